import ArgumentParser
import Foundation
import Experiment
import RunStore
import Harness
import Reporting
import Runner
import Cluster
import Declarations

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the runs of two commits (same spec, config and seed) and exit non-zero on a regression.",
        discussion: """
        Runs pair up by spec name, config hash and seed; record runs per commit with `ablate run --record-commit`.

        Quality metrics (oIoU, mIoU, Pr@X; higher is better) change when Welch's t-test over seeds gives p < --alpha and the difference is at least --min-effect points; with fewer than 2 seeds on a side they are reported as "insufficient seeds". Params and MACs (total and per component) must match exactly; bigger is a regression. Training s/step and inference ms/image change when their median over seeds moves beyond --timing-threshold; they are decided only from at least 3 samples on a side (training: one per epoch of every seed, from the run's curve; inference: one per seed), else "insufficient seeds".

        Exit codes:
          0   no regression
          1   a quality or cost regression
          2   a timing regression only
          3   nothing to compare (no run finished at both commits)
          64  usage error, unknown revision or spec, missing database
        """)

    @Option(help: ArgumentHelp("The commit to compare against: any git revision, or a prefix of a stored commit.", valueName: "rev"))
    var base: String

    @Option(help: ArgumentHelp("The commit under test.", valueName: "rev"))
    var head: String = "HEAD"

    @Argument(help: "Only this spec (a spec file or a stored spec name); all specs when omitted.")
    var spec: String?

    @Option(help: "The results database.")
    var store: String = ResultStore.defaultPath

    @Option(help: "Split whose metrics are compared: val or test.")
    var split: String = "test"

    @Option(help: ArgumentHelp("Smallest quality change that counts, in percentage points.", valueName: "points"))
    var minEffect: Double = 1.0

    @Option(help: "Significance level of Welch's t-test (two-sided).")
    var alpha: Double = 0.05

    @Option(help: ArgumentHelp("Relative change of a median timing that counts, in percent.", valueName: "percent"))
    var timingThreshold: Double = 10

    @Option(help: ArgumentHelp("Also write the markdown summary to this file.", valueName: "file"))
    var output: String?

    @Flag(help: "Print one JSON object (schema in README, \"JSON output\") instead of the text.")
    var json = false

    func validate() throws {
        guard minEffect >= 0 else { throw ValidationError("--min-effect must be at least 0.") }
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must lie strictly between 0 and 1.") }
        guard timingThreshold >= 0 else { throw ValidationError("--timing-threshold must be at least 0.") }
    }

    func run() throws {
        var options = CompareOptions()
        options.split = split
        options.minEffectPoints = minEffect
        options.alpha = alpha
        options.timingThreshold = timingThreshold / 100
        let comparison: Comparison
        do {
            comparison = try CompareCommands.comparison(base: base, head: head, spec: spec, storePath: store, options: options)
        } catch {
            // ArgumentParser would exit 1 on an error, which CI must read as "regression": report it as a usage error.
            FileHandle.standardError.write(Data("Error: \(error)\n".utf8))
            throw ExitCode(64)
        }
        let text = ComparisonReport.markdown(comparison)
        if let output { try CompareCommands.save(text, to: output) }
        print(json ? JSONDocuments.compare(comparison) : text, terminator: "")
        if comparison.exitCode != 0 { throw ExitCode(comparison.exitCode) }
    }
}
