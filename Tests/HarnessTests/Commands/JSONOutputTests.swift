import Foundation
import Testing
@testable import Harness
@testable import Experiment
@testable import Reporting
@testable import RunStore
@testable import Statistics
import Declarations
import RRSISData

/// `--json` documents parse, carry the schema version and hold the numbers the text output shows.
struct JSONOutputTests {
    static func parse(_ text: String) throws -> [String: Any] {
        #expect(text.hasSuffix("\n") && text.dropLast().split(separator: "\n").count == 1)   // one object, one line
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["schemaVersion"] as? Int == JSONDocuments.schemaVersion)
        return object
    }

    @Test func reportJSONHoldsTheTablesNumbers() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        try f.finish()
        let text = try HarnessCommands.report(spec: f.specPath, storePath: f.storePath, resultsRoot: f.resultsRoot, ansi: false)
        let doc = try Self.parse(try HarnessCommands.report(spec: f.specPath, storePath: f.storePath, resultsRoot: f.resultsRoot, json: true))
        #expect(doc["command"] as? String == "report" && doc["spec"] as? String == "demo" && doc["split"] as? String == "test")
        let rows = try #require(doc["rows"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["Coarse", "FIAM w/o spatial", "FIAM"])
        for (c, row) in rows.enumerated() {
            let cells = try #require(row["cells"] as? [String: [String: Any]])
            let mIoU = try #require(cells["mIoU"])
            // mIoU = 40 + 10c + seed over seeds 0, 1, 2: mean 41 + 10c, std 1, by hand.
            #expect(abs((mIoU["mean"] as? Double ?? 0) - (41 + 10 * Double(c))) < 1e-9 && abs((mIoU["std"] as? Double ?? 0) - 1) < 1e-9)
            #expect((mIoU["values"] as? [[String: Any]])?.map { $0["seed"] as? Int } == [0, 1, 2])
            let name = try #require(row["name"] as? String)
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + "  ") || $0.hasPrefix(name + " (baseline)") })
            #expect(line.contains(Format.fixed(41 + 10 * Double(c), 2) + " ± 1.00"))
            #expect(row["finishedSeeds"] as? [Int] == [0, 1, 2] && row["baseline"] as? Bool == (c == 0))
        }
        let columns = try #require(doc["columns"] as? [[String: Any]])
        let mIoUColumn = try #require(columns.first { $0["id"] as? String == "mIoU" })
        #expect(mIoUColumn["best"] as? [String] == ["FIAM"] && mIoUColumn["polarity"] as? String == "higherIsBetter")
        #expect((doc["files"] as? [String])?.contains(f.resultsRoot + "/demo/table.md") == true)
    }

    @Test func planJSONListsTheRunsTheTextShows() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        try f.finish(seeds: [0])
        let estimate: (Cell) -> Estimate? = { _ in Estimate(macs: 2_000_000_000, seconds: 30) }
        let text = try HarnessCommands.plan(spec: f.specPath, storePath: f.storePath, estimate: estimate)
        let doc = try Self.parse(try HarnessCommands.plan(spec: f.specPath, storePath: f.storePath, json: true, estimate: estimate))
        let runs = try #require(doc["runs"] as? [[String: Any]])
        let plan = Plan(try SpecLoader().load(f.specPath))
        #expect(runs.map { $0["runKey"] as? String } == plan.runs.map(\.runKey))
        #expect(runs.map { $0["status"] as? String } == plan.runs.map { $0.seed == 0 ? "finished" : "todo" })
        #expect(runs.allSatisfy { $0["gmacs"] as? Double == 2 && $0["estimatedSeconds"] as? Double == 30 })
        #expect(doc["done"] as? Int == 3 && doc["remaining"] as? Int == 6 && doc["estimatedSeconds"] as? Double == 180)
        #expect(text.contains("3 of 9 runs already done; 6 to run; estimated time: \(Format.duration(180))."))
        let resolution = try #require(doc["resolution"] as? [String: Any])
        let half = try #require(resolution["halfWidthPoints"] as? Double)
        #expect(text.contains("resolves differences of ±\(Format.fixed(half, 2)) points"))
    }

    @Test func listJSONHasEveryComponentAndKey() throws {
        let doc = try Self.parse(JSONDocuments.list())
        let slots = try #require(doc["slots"] as? [[String: Any]])
        for slot in ComponentSlot.allCases where !Registry.standard.declarations(for: slot).isEmpty {
            let entry = try #require(slots.first { $0["slot"] as? String == slot.rawValue })
            let names = (entry["components"] as? [[String: Any]])?.compactMap { $0["name"] as? String }
            #expect(names == Registry.standard.declarations(for: slot).map(\.name))
        }
        let train = try #require(doc["train"] as? [[String: Any]])
        let checkpoint = try #require(train.first { $0["name"] as? String == "checkpoint" })
        #expect(checkpoint["default"] as? String == "best-val" && checkpoint["required"] as? Bool == false)
        #expect(HarnessCommands.list().contains("checkpoint: one of: best-val, last; default \"best-val\""))
        #expect((doc["controls"] as? [[String: Any]])?.map { $0["name"] as? String } == ExpressionControl.allCases.map(\.rawValue))
    }

    static let noGit = CommitResolver(git: { _ in nil })

    @Test func compareJSONHasTheFindingsOfTheMarkdown() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("A", config: "c1", headTimes: [20, 20, 20])
        let c = try CompareCommands.comparison(base: "aaaa", head: "bbbb", storePath: f.store.path, resolver: Self.noGit)
        let doc = try Self.parse(JSONDocuments.compare(c))
        #expect(doc["exitCode"] as? Int == 2 && doc["outcome"] as? String == "Timing regression only")
        #expect(doc["base"] as? String == CompareFixture.base && doc["matchedRuns"] as? Int == 3)
        let findings = try #require(doc["findings"] as? [[String: String]])
        #expect(findings.count == c.findings.count)
        let md = ComparisonReport.markdown(c)
        for finding in findings {
            let row = "| " + ["spec", "cell", "kind", "measure", "base", "head", "change", "evidence"].map { finding[$0]! }.joined(separator: " | ") + " |"
            #expect(md.contains(row))
        }
        #expect(findings.contains { $0["measure"] == "infer ms/image" && $0["change"] == "+100.0%" && $0["verdict"] == "regressed" })
    }

    @Test func historyJSONMatchesTheTable() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.addSteady("A", config: "c1", mIoU: [70, 71, 75])
        let h = try CompareCommands.historyTable(spec: "demo", storePath: f.store.path, resolver: Self.noGit)
        let doc = try Self.parse(JSONDocuments.history(h))
        let rows = try #require(doc["rows"] as? [[String: Any]])
        #expect(rows.map { $0["commit"] as? String } == [CompareFixture.head, CompareFixture.base])
        let a = try #require((rows[0]["cells"] as? [String: [String: Any]])?["A"])
        // 70, 71, 75: mean 72, sample std √7 ≈ 2.6458, by hand.
        #expect(a["values"] as? [Double] == [70, 71, 75] && abs((a["mean"] as? Double ?? 0) - 72) < 1e-9)
        #expect(abs((a["std"] as? Double ?? 0) - 7.0.squareRoot()) < 1e-9)
        #expect(h.markdown().contains("| `bbbb111` | — | 72.00 ± 2.65 (3) |"))
    }

    @Test func unknownSplitsAreErrorsAndAHistoryWithoutCommitsSaysHowToRecordOne() throws {
        let f = try CompareFixture()
        defer { f.dir.remove() }
        try f.add(nil, cell: "A", config: "c1", seed: 0, metrics: ["mIoU": 70])
        #expect(throws: CompareError.unknownSplit("foo", valid: ["val", "test"])) {
            _ = try CompareCommands.history(spec: "demo", split: "foo", storePath: f.store.path, resolver: Self.noGit)
        }
        var options = CompareOptions(); options.split = "foo"
        #expect(throws: CompareError.unknownSplit("foo", valid: ["val", "test"])) {
            _ = try CompareCommands.comparison(base: "aaaa", head: "bbbb", storePath: f.store.path, options: options, resolver: Self.noGit)
        }
        #expect(CompareError.unknownSplit("foo", valid: ["val", "test"]).description.contains("use --split val or --split test"))
        #expect(CompareError.unknownMetric("mIOU").description.contains("(did you mean mIoU?)"))
        let text = try CompareCommands.history(spec: "demo", storePath: f.store.path, resolver: Self.noGit)
        #expect(text.hasPrefix("No finished run of demo was recorded with a commit (1 finished run has no commit)"))
        #expect(text.contains("`ablate run demo --record-commit`") && !text.contains("|"))
    }

    @Test func runsUnderACommitAreFoundAndNamedWhenAbsent() throws {
        let f = try ReportFixture()
        defer { f.dir.remove() }
        let sha = "abcdef1234567890abcdef1234567890abcdef12"
        try f.finish(commit: sha)
        do {
            _ = try HarnessCommands.report(spec: f.specPath, storePath: f.storePath, resultsRoot: f.resultsRoot, ansi: false)
            Issue.record("report found runs without a commit")
        } catch let error as ReportError {
            #expect(error.description.contains("No finished runs for this spec without a commit; 9 runs are recorded under commit abcdef1 — pass --commit abcdef1."))
        }
        let plan = try HarnessCommands.plan(spec: f.specPath, storePath: f.storePath, estimate: { _ in nil })
        #expect(plan.contains("note: no finished runs for this spec without a commit; 9 runs are recorded under commit abcdef1"))
        let report = try HarnessCommands.report(spec: f.specPath, storePath: f.storePath, resultsRoot: f.resultsRoot, commit: sha, ansi: false)
        #expect(report.contains("41.00 ± 1.00"))
    }
}
