import Foundation
import GRDB
import Testing
@testable import Dashboard
@testable import Experiment
@testable import RunStore
@testable import Reporting
@testable import Figures

/// The site's content, read from the files it writes.
struct DashboardSiteTests {
    @Test func pagesShowTheLatestTableTheHistoryWithCompareVerdictsRunsAndBenchmarks() throws {
        let f = try DashboardFixture()
        defer { f.dir.remove() }
        let runKeys = try ResultStore.reading(f.storePath).runs(spec: "demo").map(\.record.runKey)
        #expect(runKeys.count == 12)
        let expected = ["index.html", "spec-demo.html", "benchmarks.html"] + runKeys.map { RunPage.fileName($0) }
        #expect(Set(expected).isSubset(of: Set(f.output.files.map { ($0 as NSString).lastPathComponent })))
        #expect(f.output.files.first == f.site + "/index.html")

        // The index carries the latest table: the second commit's, FIAM at 71.00 ± 1.00 (70, 71, 72), Coarse the same.
        let index = try f.page("index.html")
        #expect(index.contains("<table>") && index.contains("spec-demo.html") && index.contains("benchmarks.html"))
        #expect(index.contains("commit <code>bbbb111</code>") && index.contains("71.00 ± 1.00") && !index.contains("81.00 ± 1.00"))

        // History: FIAM went 81 → 71 (Welch p ≈ 0.0002, −10 points ≥ 1): `compare` calls it a regression, and so does the
        // page: the cell is marked, the change is compare's, and the chart rings the point in the regression colour.
        let spec = try f.page("spec-demo.html")
        #expect(spec.contains("<td class=\"regressed\">71.00 ± 1.00 (3)<br><small>regressed -10.00 pt</small></td>"))
        #expect(spec.contains("Make FIAM worse"))
        #expect(!spec.contains("class=\"improved\""))
        let comparison = try RunComparer.compare(store: try ResultStore.reading(f.storePath), base: DashboardFixture.first, head: DashboardFixture.second)
        #expect(comparison.findings.filter { $0.verdict == .regressed }.map { "\($0.cell) \($0.measure)" }.sorted() == ["FIAM mIoU", "FIAM oIoU"])
        let ring = "fill=\"\(SVGSurface.hex(MetricHistory.regressionColour))\""
        // Two metrics regressed, each ringed once: a ring is four rectangles, plus the label text in the same colour.
        #expect(spec.components(separatedBy: "<rect").filter { $0.contains(ring) }.count == 2 * 4)
        // Charts: the bars figure, then one history per metric the runs recorded (mIoU, oIoU); none for the others.
        #expect(spec.components(separatedBy: "<svg").count - 1 == 3)

        // A run page: curves chart, costs, config, and its qualitative panel beside it.
        let run = try f.page(RunPage.fileName(runKeys[0]))
        #expect(run.contains("<svg") && run.contains(">Training loss</text>") && run.contains(">Validation mIoU</text>"))
        #expect(run.contains("<td>total</td><td>1000</td><td>9000</td>") && run.contains("&quot;alignment&quot;"))
        let image = try #require(DashboardFixture.links(run).first { $0.hasSuffix(".png") })
        #expect(FileManager.default.fileExists(atPath: f.site + "/" + image))

        // Benchmarks: both recordings, the series charted by its row label.
        let bench = try f.page("benchmarks.html")
        #expect(bench.contains("<code>aaaa111</code>") && bench.contains("<code>bbbb111</code>") && bench.contains(">256×256×256</text>"))

        // Every link of every page names a file of the site; nothing is fetched from elsewhere.
        for file in f.output.files where file.hasSuffix(".html") {
            let html = try String(contentsOfFile: file, encoding: .utf8)
            for link in DashboardFixture.links(html) {
                #expect(!link.contains("://") && FileManager.default.fileExists(atPath: f.site + "/" + link), "\(file): \(link)")
            }
        }
    }

    /// Rewriting into a folder that holds an earlier site deletes that site's pages of runs and specs it no longer
    /// shows (they would linger unlinked, e.g. after run keys change), and nothing else.
    @Test func anEarlierSitesStalePagesAreRemovedOtherFilesKept() throws {
        let f = try DashboardFixture()
        defer { f.dir.remove() }
        let stale = ["run-0000deadbeef0000.html", "run-0000deadbeef0000-qualitative.png", "spec-gone.html"]
        let kept = ["notes.txt", "run-log.txt", "speculation.html"]
        for name in stale + kept { try Data("x".utf8).write(to: URL(fileURLWithPath: f.site + "/" + name)) }
        let again = try DashboardSite.write(store: try ResultStore.reading(f.storePath), into: f.site, specsFolder: f.dir.path + "/Ablations",
                                            resultsRoot: f.dir.path + "/Results")
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: f.site))
        #expect(stale.allSatisfy { !present.contains($0) }, "\(present.sorted())")
        #expect(kept.allSatisfy { present.contains($0) })
        #expect(Set(again.files.map { ($0 as NSString).lastPathComponent }).isSubset(of: present))
        #expect(present.count == again.files.count + kept.count)
        #expect(again.notes.contains("removed 3 pages and images of an earlier site (runs or specs no longer shown)"))
    }

    @Test func aMissingStoreIsAnErrorInOurWords() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        #expect(throws: DashboardError.noStore(path: dir.path + "/none.sqlite")) {
            try DashboardSite.generate(storePath: dir.path + "/none.sqlite", resultsRoot: dir.path + "/Results")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/Results"))
    }
}

/// The `benchmarks` table: round trip, and a store from before it opens and gains it.
struct BenchmarkStoreTests {
    @Test func recordsRoundTripOldestFirstAndOldStoresUpgrade() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let path = dir.path + "/old.sqlite"
        // A v4 store: today's schema without the v5 table and its migration record.
        _ = try ResultStore(path: path)
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "DROP TABLE benchmarks")
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v5_benchmarks'")
        }
        #expect(try ResultStore.reading(path).benchmarks() == [])   // read-only: upgraded in a private copy
        let late = BenchmarkRecord(suite: "engine", table: "GEMM", row: "256", column: "engine", value: 41.5, commit: "abc", dirty: true,
                                   host: "h", configuration: "release", recordedAt: "2026-12-02T10:00:00.000Z")
        var early = late
        early.recordedAt = "2026-12-01T10:00:00.000Z"; early.value = 40; early.commit = nil; early.dirty = nil
        let store = try ResultStore(path: path)
        try store.recordBenchmarks([late])
        try store.recordBenchmarks([early])
        #expect(try store.benchmarks() == [early, late])
        #expect(late.seriesName == "GEMM / 256 / engine")
    }
}
