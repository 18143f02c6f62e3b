import ArgumentParser
import Dashboard
import Experiment
import Foundation
import RunStore

struct DashboardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Write a static, offline HTML dashboard to <results>/dashboard/: paper tables, metric history across commits, runs, benchmarks.")

    @Option(help: "The results database (read only).")
    var store: String = ResultStore.defaultPath

    @Option(help: "Results folder; the site goes to <results>/dashboard/ (the synthetic datasets' cache is read from here too).")
    var results: String = ResultsFolder.defaultRoot

    @Option(help: "Folder of spec files: each spec there gets a page, as does every spec the store names.")
    var specs: String = "Ablations"

    func run() throws {
        do {
            print(try DashboardSite.generate(storePath: store, resultsRoot: results, specsFolder: specs), terminator: "")
        } catch let error as DashboardError {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(64)
        }
    }
}
