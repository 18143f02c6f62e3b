import ArgumentParser
import Experiment
import RunStore
import Runner

struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Re-evaluate a run's kept checkpoint (Results/<spec>/runs/<run key>/selected.safetensors) and print its metrics, beside the stored ones.")

    @OptionGroup var options: SpecOptions

    @Option(name: .customLong("run"), help: "The run key (as `ablate plan` lists them).")
    var runKey: String

    @Option(help: "The split to evaluate: test or val.")
    var split: String = "test"

    @Option(help: ArgumentHelp("Evaluate on other data: a dataset section as JSON (keys merge into the spec's; with \"name\" it replaces it) or a folder in the RRSIS-D layout.",
                               valueName: "json-or-folder"))
    var dataset: String?

    @Option(help: "Folder of the kept files and the data cache.")
    var results: String = ResultsFolder.defaultRoot

    func validate() throws {
        guard ["test", "val"].contains(split) else { throw ValidationError("--split \(split): expected test or val.") }
    }

    func run() throws {
        let spec = try SpecLoader().load(options.spec, overrides: options.overrides)
        var evaluation = CheckpointEvaluation(plan: Plan(spec, commit: try options.commit()), store: try ResultStore.reading(options.store),
                                              storePath: options.store)
        evaluation.resultsRoot = results
        if let dataset {
            evaluation.otherData = try SpecLoader().load(options.spec, overrides: options.overrides + CheckpointEvaluation.datasetOverrides(dataset))
        }
        let result = try evaluation.evaluate(runKey: runKey, split: split)
        print(CheckpointEvaluation.render(result, dataset: evaluation.otherData.map { $0.dataset.json.jsonText } ?? "the run's data"), terminator: "")
    }
}
