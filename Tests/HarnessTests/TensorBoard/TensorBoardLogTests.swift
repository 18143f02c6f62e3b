import Foundation
import Testing
@testable import Declarations
@testable import Experiment
@testable import RunStore
@testable import Runner

/// A run recorded through `RunRecorder` with hand-chosen steps and metrics: the store keeps every step, and
/// TensorBoard's own Python reader finds the same numbers, the hparams of the variant and the experiment.
struct TensorBoardLogTests {
    /// The alignment fixture (3 variants × 3 seeds), with `report` edited as given.
    static func plan(report: String = "{}") throws -> Plan {
        let text = Fixtures.alignmentSpec.replacingOccurrences(of: "\"baseline\": \"Coarse\"", with: "\"baseline\": \"Coarse\", \"report\": \(report)")
        return Plan(try Fixtures.validate(text).get())
    }

    /// Records `run` as a trainer would: two epochs of three steps (loss 1/step, lr rising by 1e-4 per step),
    /// val after each epoch, then test metrics, into `given` (or a new store in `dir`). Returns the store.
    static func record(_ run: PlannedRun, of plan: Plan, in dir: TempDir, store given: ResultStore? = nil) throws -> ResultStore {
        let store = try given ?? ResultStore(path: dir.path + "/Results/fiabench.sqlite")
        try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 1))
        let recorder = try RunRecorder(run, of: plan, store: store, resultsRoot: dir.path + "/Results")
        for epoch in 1...2 {
            for step in (3 * epoch - 2)...(3 * epoch) {
                recorder.stepFinished(StepPoint(step: step, epoch: epoch, loss: 1 / Double(step), lr: 1e-4 * Double(step)))
            }
            try recorder.epochFinished([CurvePoint(epoch: epoch, step: 3 * epoch, split: "train", loss: 0.5),
                                        CurvePoint(epoch: epoch, step: 3 * epoch, split: "val", mIoU: 0.25 * Double(epoch), oIoU: 0.3)])
        }
        let metrics = [MetricValue(split: "test", name: "mIoU", value: 0.625), MetricValue(split: "test", name: "oIoU", value: 0.75),
                       MetricValue(split: "test", name: "mIoU", tag: "scale=small", value: 0.125), MetricValue(split: "val", name: "mIoU", value: 0.5)]
        try store.finishRun(runKey: run.runKey, metrics: metrics, costs: [])
        try recorder.runFinished(metrics: metrics)
        return store
    }

    @Test func stepsGoToTheStoreAndOneEventFilePerRun() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let plan = try Self.plan()
        let run = plan.runs[3]                                  // FIAM w/o spatial, seed 0
        let store = try Self.record(run, of: plan, in: dir)
        let steps = try store.steps(runKey: run.runKey)
        #expect(steps.map(\.step) == [1, 2, 3, 4, 5, 6] && steps.map(\.epoch) == [1, 1, 1, 2, 2, 2])
        #expect(steps.map(\.loss) == (1...6).map { 1 / Double($0) } && steps.map(\.lr) == (1...6).map { 1e-4 * Double($0) })

        let folder = dir.path + "/Results/tensorboard/test/02-FIAM-w-o-spatial/seed-0"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
        #expect(files.count == 1 && files[0].hasPrefix("events.out.tfevents."))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/Results/tensorboard/test/events.out.tfevents.0.experiment"))

        // Recording the run again replaces its event file (a restarted run starts its log over).
        try FileManager.default.removeItem(atPath: dir.path + "/Results/fiabench.sqlite")
        _ = try Self.record(run, of: plan, in: dir)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).count == 1)
    }

    @Test func tensorboardOffWritesNoEventsButKeepsTheSteps() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let plan = try Self.plan(report: "{\"tensorboard\": false}")
        #expect(plan.runs.map(\.runKey) == (try Self.plan()).runs.map(\.runKey))      // not part of run keys
        let store = try Self.record(plan.runs[0], of: plan, in: dir)
        #expect(try store.steps(runKey: plan.runs[0].runKey).count == 6)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/Results/tensorboard"))
    }

    @Test func cellFoldersAreNumberedSlugs() throws {
        let base = try Self.plan().spec.cells[0]
        func cell(_ index: Int, _ name: String) -> Cell { var c = base; c.index = index; c.name = name; return c }
        #expect(TensorBoardLayout.cellFolder(cell(1, "FIAM w/o spatial")) == "02-FIAM-w-o-spatial")
        #expect(TensorBoardLayout.cellFolder(cell(11, "scale=fpn + align: coarse")) == "12-scale-fpn-align-coarse")
        #expect(TensorBoardLayout.cellFolder(cell(0, "é/")) == "01")
    }

    @Test func onlyHyperParametersThatDifferAreCompared() throws {
        let hparams = AblationHParams(plan: try Self.plan())
        #expect(hparams.varyingKeys == ["model.alignment.name", "model.alignment.params.spatial"])
        let infos = hparams.infos
        #expect(infos.map(\.name) == ["variant", "seed", "model.alignment.name", "model.alignment.params.spatial"])
        #expect(infos[0].values == [.string("Coarse"), .string("FIAM w/o spatial"), .string("FIAM")])
        #expect(infos[1].values == [.number(0), .number(1), .number(2)])
        #expect(infos[2].values == [.string("coarse"), .string("fiam")])
    }

    @Test(.enabled(if: Python.hasTensorBoard, "needs python3 with tensorboard (pip install tensorboard; .ci/setup installs it)"))
    func tensorBoardsOwnReaderSeesTheStoredValues() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let plan = try Self.plan()
        let run = plan.runs[3]
        let store = try Self.record(run, of: plan, in: dir)
        let steps = try store.steps(runKey: run.runKey)
        let val = try store.curves(runKey: run.runKey).filter { $0.split == "val" }
        let test = try store.metrics(runKey: run.runKey).filter { $0.split == "test" && $0.tag == nil }
        func list(_ pairs: [(Int, Double)]) -> String { "[" + pairs.map { "[\($0.0), \($0.1)]" }.joined(separator: ", ") + "]" }
        let expected = """
            {"loss": \(list(steps.map { ($0.step, $0.loss) })), "lr": \(list(steps.map { ($0.step, $0.lr) })),
             "val_miou": \(list(val.map { ($0.step, $0.mIoU!) })), "val_oiou": \(list(val.map { ($0.step, $0.oIoU!) })),
             "test": {\(test.map { "\"test/\($0.name)\": [6, \($0.value)]" }.joined(separator: ", "))}}
            """
        let script = """
            import json, math, sys
            from tensorboard.backend.event_processing import event_accumulator as ea
            from tensorboard.plugins.hparams import metadata, api_pb2

            run_dir, spec_dir = sys.argv[1], sys.argv[2]
            expected = json.loads(sys.stdin.read())
            acc = ea.EventAccumulator(run_dir, size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
            acc.Reload()

            def check(tag, pairs):
                got = [(e.step, e.value) for e in acc.Scalars(tag)]
                assert [s for s, _ in got] == [s for s, _ in pairs], (tag, got, pairs)
                assert all(math.isclose(g, v, rel_tol=1e-6) for (_, g), (_, v) in zip(got, pairs)), (tag, got, pairs)

            check("train/loss", expected["loss"])
            check("train/lr", expected["lr"])
            check("val/mIoU", expected["val_miou"])
            check("val/oIoU", expected["val_oiou"])
            for tag, pair in expected["test"].items():
                check(tag, [pair])
            assert sorted(t for t in acc.Tags()["scalars"] if t.startswith("test/")) == ["test/mIoU", "test/oIoU"], acc.Tags()

            content = acc.PluginTagToContent("hparams")
            start = metadata.parse_session_start_info_plugin_data(content[metadata.SESSION_START_INFO_TAG])
            hp = {k: v.WhichOneof("kind") + ":" + str(getattr(v, v.WhichOneof("kind"))) for k, v in start.hparams.items()}
            assert hp == {"variant": "string_value:FIAM w/o spatial", "seed": "number_value:0.0",
                          "model.alignment.name": "string_value:fiam", "model.alignment.params.spatial": "bool_value:False"}, hp
            assert start.group_name == "FIAM w/o spatial", start
            end = metadata.parse_session_end_info_plugin_data(content[metadata.SESSION_END_INFO_TAG])
            assert end.status == api_pb2.STATUS_SUCCESS and end.end_time_secs >= start.start_time_secs, end

            spec = ea.EventAccumulator(spec_dir)
            spec.Reload()
            experiment = metadata.parse_experiment_plugin_data(spec.PluginTagToContent("hparams")[metadata.EXPERIMENT_TAG])
            names = [h.name for h in experiment.hparam_infos]
            assert names == ["variant", "seed", "model.alignment.name", "model.alignment.params.spatial"], names
            assert [v.string_value for v in experiment.hparam_infos[0].domain_discrete.values] == ["Coarse", "FIAM w/o spatial", "FIAM"]
            assert experiment.hparam_infos[3].type == api_pb2.DATA_TYPE_BOOL
            metrics = [m.name.tag for m in experiment.metric_infos]
            assert "test/mIoU" in metrics and "val/mIoU" in metrics and "train/loss" in metrics, metrics
            print("ok")
            """
        let runDir = dir.path + "/Results/tensorboard/test/02-FIAM-w-o-spatial/seed-0"
        let scriptPath = try dir.write("read_events.py", script)
        let result = Python.run([scriptPath, runDir, dir.path + "/Results/tensorboard/test"], input: expected)
        #expect(result.status == 0 && result.output.hasSuffix("ok\n"), "\(result.output)")
    }
}
