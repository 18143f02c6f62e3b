import Foundation
import Testing
@testable import Harness
@testable import Experiment
@testable import RunStore
import RRSISModels

struct PlanTests {
    @Test func expandsCellsTimesSeedsInTableOrder() throws {
        let plan = Plan(try Fixtures.alignment())
        #expect(plan.runs.count == 9)
        #expect(plan.runs.map(\.cell.name) == ["Coarse", "Coarse", "Coarse", "FIAM w/o spatial", "FIAM w/o spatial", "FIAM w/o spatial", "FIAM", "FIAM", "FIAM"])
        #expect(plan.runs.map(\.seed) == [0, 1, 2, 0, 1, 2, 0, 1, 2])
        #expect(Set(plan.runs.map(\.runKey)).count == 9)
        #expect(plan.runs.allSatisfy { $0.runKey.count == 16 && $0.runKey.allSatisfy(\.isHexDigit) })
        #expect(plan.baseline?.name == "Coarse")
    }

    @Test func configIsCanonicalAndOmitsDisplayNamesAndSeeds() throws {
        let spec = try Fixtures.alignment()
        let run = Plan(spec).runs[3]
        #expect(run.config.hasPrefix(#"{"dataset":{"name":"synthetic","params":{"imageSize":64,"noise":6.0,"seed":0,"test":50,"train":200,"val":50}},"model":{"alignment":{"name":"fiam","params":{"gateInit":"official","spatial":false}},"backbone":"#))
        #expect(run.config.hasSuffix(#""train":{"batchSize":8,"checkpoint":"best-val","dropLast":true,"epochs":4,"evalEvery":1,"lr":0.001,"optimizer":"adamw","selectBy":"oIoU","warmup":0,"weightDecay":0.01}}"#))
        #expect(run.configHash == SHA256.hex(run.config))
        // Renaming a row does not change what it computes.
        let renamed = try Fixtures.alignment { try $0.set("variants.rows.1.name", "\"No spatial\"") }.get()
        #expect(Plan(renamed).runs[3].runKey == run.runKey)
    }

    @Test func runKeyIsAPinnedFunctionOfConfigFingerprintSeedAndCommit() {
        let key = RunKey.make(config: "{}", datasetFingerprint: "abc", seed: 1)
        #expect(key == String(SHA256.hex("fiabench-run-v1\nconfig={}\ndataset=abc\nseed=1").prefix(16)))
        #expect(RunKey.make(config: "{}", datasetFingerprint: "abc", seed: 2) != key)
        #expect(RunKey.make(config: "{}", datasetFingerprint: "abd", seed: 1) != key)
        #expect(RunKey.make(config: "{}", datasetFingerprint: "abc", seed: 1, commit: "deadbeef") != key)
    }

    /// A run that loads pretrained encoders has their artifacts' names in its key, so a new pretraining
    /// procedure (its `version`), recipe or image size makes new runs; a run without them keeps its old key.
    @Test func pretrainedArtifactsArePartOfTheRunKey() throws {
        let pretrained = try Fixtures.alignment {
            try $0.set("model.backbone", #"{"name": "swin", "params": {"pretrain": "segmentation"}}"#)
                .set("model.text", #"{"name": "transformer", "params": {"pretrain": "mlm"}}"#)
        }.get()
        let plan = Plan(pretrained), run = plan.runs[0]
        let names = try PretrainedArtifacts.names(for: run.cell.model, imageSize: 64)
        #expect(names.count == 2 && names[0].hasPrefix("backbone-") && names[1].hasPrefix("text-"), "\(names)")
        let recipe = try #require(try PretrainedArtifacts.backboneRecipe(for: run.cell.model.choices[.backbone]!, imageSize: 64))
        #expect(names[0].contains(recipe.key(backbone: PretrainedArtifacts.description(run.cell.model.choices[.backbone]!))))
        #expect(recipe.canonicalDescription(backbone: "").contains("v\(BackbonePretraining.version);"))
        #expect(run.runKey == RunKey.make(config: run.config, datasetFingerprint: run.datasetFingerprint, seed: 0, artifacts: names))
        #expect(run.runKey != RunKey.make(config: run.config, datasetFingerprint: run.datasetFingerprint, seed: 0))
        // At another image size the backbone's artifact is another one.
        #expect(try PretrainedArtifacts.names(for: run.cell.model, imageSize: 128)[0] != names[0])
        // Without pretraining: the key is the plain function of config, data and seed.
        let plain = Plan(try Fixtures.alignment()).runs[0]
        #expect(try PretrainedArtifacts.names(for: plain.cell.model, imageSize: 64).isEmpty)
        #expect(plain.runKey == RunKey.make(config: plain.config, datasetFingerprint: plain.datasetFingerprint, seed: 0))
    }

    @Test func datasetChangesChangeEveryKey() throws {
        let a = Plan(try Fixtures.alignment())
        let b = Plan(try Fixtures.alignment { try $0.set("dataset.seed", "1") }.get())
        #expect(Set(a.runs.map(\.runKey)).isDisjoint(with: b.runs.map(\.runKey)))
        let c = Plan(try Fixtures.alignment(), datasetFingerprint: "files-sha")
        #expect(c.datasetFingerprint == "files-sha" && c.runs[0].runKey != a.runs[0].runKey)
    }

    @Test func rendererShowsStatusesAndEstimates() throws {
        let plan = Plan(try Fixtures.alignment { try $0.set("seeds", "[0]") }.get())
        let text = PlanRenderer { cell in cell.name == "FIAM" ? Estimate(macs: 1_500_000_000, seconds: 90) : nil }
            .render(plan, statuses: [plan.runs[0].runKey: .finished, plan.runs[1].runKey: .failed])
        #expect(text.contains("test (test.json): 3 variants × 1 seed = 3 runs; baseline \"Coarse\""))
        let lines = text.split(separator: "\n").map(String.init)
        func line(_ run: Int) -> [String] {
            (lines.first { $0.contains(plan.runs[run].runKey) } ?? "").split(separator: " ").map(String.init)
        }
        #expect(line(0) == ["Coarse", "0", plan.runs[0].runKey, "finished", "—", "—"])
        #expect(line(1) == ["FIAM", "w/o", "spatial", "0", plan.runs[1].runKey, "failed", "—", "—"])
        #expect(line(2) == ["FIAM", "0", plan.runs[2].runKey, "to", "do", "1.500", "1", "min", "30", "s"])
        #expect(text.contains("1 of 3 runs already done; 2 to run; estimated time: unknown (no estimate yet)."))
    }
}

struct PendingRunTests {
    @Test func finishedRunsAreSkippedUnlessForced() throws {
        let plan = Plan(try Fixtures.alignment())
        let done: Set = [plan.runs[0].runKey, plan.runs[4].runKey]
        #expect(plan.pending(finished: done).map(\.runKey) == plan.runs.map(\.runKey).filter { !done.contains($0) })
        #expect(plan.pending(finished: done, force: true).count == 9)
    }
}

struct StoredEstimatesTests {
    @Test func finishedRunsEstimateTheirCellAndModelEstimatesTakePrecedence() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let store = try ResultStore(path: dir.path + "/e.sqlite")
        let plan = Plan(try Fixtures.alignment())
        // Cell 0: seeds 0 and 1 finished in 100 s and 140 s; cell 1: nothing finished.
        for (run, seconds) in [(plan.runs[0], 100.0), (plan.runs[1], 140.0)] {
            try store.beginRun(RunRecord(run, of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2,
                                         startedAt: Date(timeIntervalSince1970: 1000)))
            try store.finishRun(runKey: run.runKey, metrics: [], costs: [CostRecord(component: "total", macs: 2_000_000_000)],
                                finishedAt: Date(timeIntervalSince1970: 1000 + seconds))
        }
        try store.beginRun(RunRecord(plan.runs[3], of: plan, commit: nil, dirty: nil, toolchain: "t", host: "h", cores: 2, threads: 2))
        let stored = try StoredEstimates.collect(plan, store: store)
        #expect(stored == [0: Estimate(macs: 2_000_000_000, seconds: 120)])
        let combined = StoredEstimates.combine({ $0.index == 0 ? Estimate(macs: nil, seconds: 90) : nil }, stored: stored)
        #expect(combined(plan.spec.cells[0]) == Estimate(macs: 2_000_000_000, seconds: 90))
        #expect(combined(plan.spec.cells[1]) == nil)
    }
}
