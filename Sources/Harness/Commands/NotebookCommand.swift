import Cluster
import Declarations
import Experiment
import Figures
import Foundation
import RRSISModels
import Reporting
import RunStore
import Runner

extension HarnessCommands {
    /// Default folder of exported notebooks, relative to the working directory.
    public static let notebookFolder = "notebooks-export"

    /// `ablate export-notebook SPEC`: writes `outputFolder/<spec>.ipynb` from the store alone (see
    /// `NotebookExport`): the report's table, a pandas cell loading the spec's runs and metrics by a path to
    /// the store relative to the notebook, and the figures of `ablate report` embedded as markdown attachments (they survive re-execution).
    /// `resultsRoot` is where the synthetic dataset cache lives (for the qualitative panel's images).
    /// Returns the written path and notes on figures that could not be drawn.
    /// - Throws: `ReportError` without a store or finished runs, as `report` does.
    public static func exportNotebook(spec path: String, overrides: [String] = [], storePath: String = ResultStore.defaultPath,
                                      resultsRoot: String = ResultsFolder.defaultRoot, outputFolder: String = notebookFolder,
                                      commit: String? = nil) throws -> String {
        let (plan, store) = try reportSource(spec: path, overrides: overrides, storePath: storePath, commit: commit)
        let (table, breakdown) = try tables(plan, store: store)
        let spec = plan.spec
        let (figures, notes) = try ReportPlots.render(plan, store: store, table: table, breakdown: breakdown,
                                                      testSamples: testSamples(plan, resultsRoot: resultsRoot))
        let notebook = NotebookExport.build(plan, table: table, breakdown: breakdown, figures: figures,
                                            storeFromNotebook: NotebookExport.relativePath(from: outputFolder, to: storePath))
        let file = outputFolder + "/" + spec.name + ".ipynb"
        if let blocker = WritableFolder.blockingFile(outputFolder) { throw NotebookExportError.cannotWrite(path: file, reason: blocker) }
        do {
            try FileManager.default.createDirectory(atPath: outputFolder, withIntermediateDirectories: true)
            try Data(notebook.render().utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
        } catch {
            throw NotebookExportError.cannotWrite(path: file, reason: error.localizedDescription)
        }
        return "wrote \(file) (\(notebook.cells.count) cells, \(figures.count) figures)\n" + notes.map { "note: \($0)\n" }.joined()
    }
}

/// Why a notebook could not be exported (besides the report's own errors).
public enum NotebookExportError: Error, Equatable, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason):
            return "Cannot write the notebook \(path): \(reason). Choose another folder with --out."
        }
    }
}
