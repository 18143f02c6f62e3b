import ArgumentParser
import Foundation
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

/// `ablate`: plan, run and report RRSIS ablations. Every subcommand is a few lines calling `Harness`.
struct Ablate: ParsableCommand {
    /// The release of the `ablate` command line (its options, outputs and JSON schema).
    static let version = "0.9.0"

    static let configuration = CommandConfiguration(
        commandName: "ablate",
        abstract: "Plan, run and report referring remote-sensing segmentation ablations.",
        discussion: "`ablate --version` prints the version and the commit this executable was built from.",
        subcommands: [RunCommand.self, ListCommand.self, PlanCommand.self, ReportCommand.self, CompareCommand.self, HistoryCommand.self,
                      SubmitCommand.self, RunTaskCommand.self, MergeCommand.self, ExportNotebookCommand.self,
                      DashboardCommand.self, EvaluateCommand.self],
        defaultSubcommand: RunCommand.self)

    /// Parses and runs the command line: a misspelt subcommand is answered with "did you mean" instead of being
    /// taken as a spec path for the default `run`, and usage errors (`UsageErrors.isUsage`) exit 64.
    static func mainChecked(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) {
        if arguments == ["--version"] {
            // Not ArgumentParser's `version:`: it would inspect the build tree (git) on every command.
            print("ablate \(version) (\(BuildTree.current().versionDescription))")
            return
        }
        if let message = SubcommandTypo.message(arguments, subcommands: configuration.subcommands.map { $0._commandName }) {
            FileHandle.standardError.write(Data("Error: \(message)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        }
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
        } catch where UsageErrors.isUsage(error) {
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}

/// Which errors are the caller's to fix (exit 64, as ArgumentParser's own validation errors).
enum UsageErrors {
    /// A bad argument, option value, revision, metric, split or spec, or a missing database.
    static func isUsage(_ error: Error) -> Bool {
        switch error {
        case is CompareError, is CommitOptionError, is SpecError: return true
        case let report as ReportError:
            if case .noStore = report { return true }
            return false
        default: return false
        }
    }
}

/// "Did you mean" for a first argument that is neither a subcommand nor plausibly a spec path.
enum SubcommandTypo {
    /// The message for `arguments`, `nil` when the first argument is a subcommand, an option, an existing file,
    /// a path ending in `.json`, or too far from every subcommand to be a typo (then `run` reports the missing spec).
    static func message(_ arguments: [String], subcommands: [String]) -> String? {
        guard let first = arguments.first, !first.hasPrefix("-"), !subcommands.contains(first) else { return nil }
        if FileManager.default.fileExists(atPath: first) || first.lowercased().hasSuffix(".json") || first.contains("/") { return nil }
        guard let guess = Suggestion.closest(to: first, in: subcommands) else { return nil }
        let rest = arguments.dropFirst().joined(separator: " ")
        return "'\(first)' is not an ablate subcommand (nor a spec file); did you mean `\(guess)`? "
            + "Try `ablate \(guess)\(rest.isEmpty ? "" : " " + rest)`; `ablate --help` lists the subcommands."
    }
}

/// Options shared by the commands that take a spec.
struct SpecOptions: ParsableArguments {
    @Argument(help: "The ablation spec, e.g. Ablations/fiam_vs_coarse.json (path case is forgiven).")
    var spec: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a spec key, e.g. --set train.epochs=2 (JSON-typed value; repeatable).",
                                                         valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "The results database.")
    var store: String = ResultStore.defaultPath

    @OptionGroup var commitOptions: CommitOptions

    /// The commit folded into run keys (`--commit`, `--record-commit`), `nil` for runs without one.
    func commit() throws -> String? { try commitOptions.resolved(store: store) }
}
