import Foundation
import Testing
@testable import Reporting
import RRSISModels

struct HistoryTests {
    @Test func tabulatesAMetricPerCommitNewestFirst() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        let old = "1111aaaa00000000000000000000000000000000", mid = "2222bbbb00000000000000000000000000000000"
        let new = "3333cccc00000000000000000000000000000000"
        // Finish times put `mid` last although its runs were added first; `new` has only one cell, one seed.
        for seed in 0..<2 {
            try f.add(mid, cell: "FIAM", config: "f", index: 1, seed: seed, metrics: ["mIoU": [72, 74][seed], "oIoU": 50], finishedAt: 3_000)
            try f.add(mid, cell: "Coarse", config: "c", index: 0, seed: seed, metrics: ["mIoU": 60], finishedAt: 2_900)
            try f.add(old, cell: "FIAM", config: "f", index: 1, seed: seed, metrics: ["mIoU": [70, 71][seed]], finishedAt: 1_000)
            try f.add(old, cell: "Coarse", config: "c", index: 0, seed: seed, metrics: ["mIoU": 59], finishedAt: 1_100)
        }
        try f.add(new, cell: "FIAM", config: "f", index: 1, seed: 0, metrics: ["mIoU": 80], finishedAt: 2_000)
        // A failed run and another spec never show.
        try f.add(new, cell: "Coarse", config: "c", index: 0, seed: 0, metrics: [:], finishedAt: 9_000, status: .failed)
        try f.add(new, cell: "Coarse", config: "c", seed: 0, spec: "other", metrics: ["mIoU": 1], finishedAt: 9_000)
        // At `old`, Coarse was also run under an earlier config that finished before: the later config is shown.
        try f.add(old, cell: "Coarse", config: "c-old", index: 0, seed: 0, metrics: ["mIoU": 10], finishedAt: 500)

        let subjects = [mid: "Faster FIAM", old: "Baseline | first"]
        let h = try CommitHistory.build(store: f.store, spec: "demo", subject: { subjects[$0] })
        #expect(h.cells == ["Coarse", "FIAM"])
        #expect(h.rows.map(\.commit) == [mid, new, old])
        #expect(h.rows[0].values["FIAM"] == [72, 74])
        #expect(h.rows[2].values["Coarse"] == [59, 59])
        #expect(h.rows[1].values["Coarse"] == nil)
        let md = h.markdown()
        #expect(md.contains("| Commit | Subject | Coarse | FIAM |\n|---|---|--:|--:|\n"))
        #expect(md.contains("| `2222bbb` | Faster FIAM | 60.00 ± 0.00 (2) | 73.00 ± 1.41 (2) |\n"
                            + "| `3333ccc` | — | — | 80.00 (1) |\n"
                            + "| `1111aaa` | Baseline \\| first | 59.00 ± 0.00 (2) | 70.50 ± 0.71 (2) |\n"))

        let oIoU = try CommitHistory.build(store: f.store, spec: "demo", metric: "oIoU")
        #expect(oIoU.rows.first?.values["FIAM"] == [50, 50] && oIoU.rows.first?.values["Coarse"] == nil)
    }

    @Test func commandRejectsAnUnknownMetric() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        #expect(throws: CompareError.unknownMetric("miou")) { try CompareCommands.history(spec: "demo", metric: "miou", storePath: f.store.path) }
    }
}
