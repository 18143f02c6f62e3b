import Declarations
import Experiment
import Figures
import Foundation
import RRSISData
import Reporting
import RunStore
import Runner
import Statistics

/// `ablate dashboard`: a static site from the store alone (plus the spec files and, for the qualitative panels,
/// the dataset's test images), readable offline from `file://`: every chart is inline SVG, the one stylesheet is
/// inlined in each page, and the only other files are the runs' qualitative PNGs beside the pages.
///
/// Pages: `index.html` (every spec's latest paper table, links), `spec-<name>.html` (table, figures, each metric's
/// history across commits with `ablate compare`'s regressions marked, the runs), `run-<key>.html` (curves, metrics,
/// costs, qualitative panel, config) and `benchmarks.html` (`ablate-bench --record` figures across recordings).
public enum DashboardSite {
    /// What was written, and what could not be shown (e.g. a spec in the store without a spec file).
    public struct Output: Sendable {
        /// Written files, index first.
        public var files: [String]
        public var notes: [String]
    }

    /// Cell side of the run pages' qualitative panels: smaller than the report's, to keep the site light.
    static let qualitativeSide = 128

    /// Writes the site into `folder`.
    /// - Parameters:
    ///   - specsFolder: where spec files are looked for (`Ablations`): each `*.json` there, and each spec the store names.
    ///   - resultsRoot: where the synthetic datasets' cache lives (for the qualitative panels' images).
    ///   - subject: a commit's subject line (`git log`), nil when unknown.
    public static func write(store: ResultStore, into folder: String, specsFolder: String = "Ablations",
                             resultsRoot: String = ResultsFolder.defaultRoot,
                             subject: (String) -> String? = { _ in nil }) throws -> Output {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var notes: [String] = [], files: [String] = []
        func save(_ name: String, _ data: Data) throws {
            let path = folder + "/" + name
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
            files.append(path)
        }
        var pages: [SpecPage] = []
        for (name, file) in try specs(store: store, specsFolder: specsFolder) {
            let (page, runPages, pageNotes) = try specPage(name, file: file, store: store, resultsRoot: resultsRoot, subject: subject)
            notes += pageNotes
            pages.append(page)
            for run in runPages {
                if let png = run.png { try save(run.page.qualitativeFile!, png) }
                try save(RunPage.fileName(run.page.run.record.runKey), Data(run.page.html.utf8))
            }
            try save(SpecPage.fileName(name), Data(page.html.utf8))
        }
        let benchmarks = BenchmarkHistory(try store.benchmarks())
        try save(benchmarksFile, Data(benchmarksPage(benchmarks).utf8))
        try save("index.html", Data(index(pages, benchmarks: benchmarks).utf8))
        files.insert(files.removeLast(), at: 0)
        let removed = try removeStalePages(in: folder, keeping: Set(files.map { ($0 as NSString).lastPathComponent }))
        if removed > 0 {
            notes.append("removed \(removed) page\(removed == 1 ? "" : "s") and image\(removed == 1 ? "" : "s") of an earlier site (runs or specs no longer shown)")
        }
        return Output(files: files, notes: notes)
    }

    /// Deletes the files of `folder` named as this site names its pages (`run-*.html`, `run-*-qualitative.png`,
    /// `spec-*.html`) that this writing did not produce — an earlier site's pages of runs the store no longer has
    /// (e.g. after a change of run keys), which would otherwise linger unlinked. Any other file is left alone.
    /// Returns how many were deleted.
    static func removeStalePages(in folder: String, keeping written: Set<String>) throws -> Int {
        func isSitePage(_ name: String) -> Bool {
            (name.hasPrefix("run-") && (name.hasSuffix(".html") || name.hasSuffix("-qualitative.png")))
                || (name.hasPrefix("spec-") && name.hasSuffix(".html"))
        }
        var removed = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where isSitePage(name) && !written.contains(name) {
            try FileManager.default.removeItem(atPath: folder + "/" + name)
            removed += 1
        }
        return removed
    }

    static let benchmarksFile = "benchmarks.html"

    /// Spec name → spec file (nil when none is found): every spec the store names (its runs' recorded file, else
    /// `<specsFolder>/<name>.json`) and every loadable spec file in `specsFolder`, sorted by name.
    static func specs(store: ResultStore, specsFolder: String) throws -> [(String, String?)] {
        var found: [String: String?] = [:]
        for name in try store.storedSpecNames() {
            let recorded = try store.runs(spec: name).map(\.record.specFile)
            let candidates = recorded + [specsFolder + "/" + name + ".json"]
            found[name] = candidates.first { path in (try? SpecLoader().load(path, overrides: []).name) == name }
        }
        let jsons = (try? FileManager.default.contentsOfDirectory(atPath: specsFolder)) ?? []
        for file in jsons.sorted() where file.hasSuffix(".json") {
            let path = specsFolder + "/" + file
            guard let spec = try? SpecLoader().load(path, overrides: []), found[spec.name] == nil else { continue }
            found[spec.name] = path
        }
        return found.keys.sorted().map { ($0, found[$0]!) }
    }

    /// A spec's page and its runs' pages (with their qualitative PNGs).
    static func specPage(_ name: String, file: String?, store: ResultStore, resultsRoot: String, subject: (String) -> String?) throws
        -> (SpecPage, [(page: RunPage, png: Data?)], [String]) {
        var notes: [String] = [], latest: (table: ReportTable, commit: String?)?, spec: AblationSpec?
        if let file {
            let loaded = try SpecLoader().load(file, overrides: [])
            spec = loaded
            latest = try latestTable(loaded, store: store)
        } else {
            notes.append("\(name): runs are in the store but no spec file defines it; its paper table is left out.")
        }
        var comparisons = MetricHistory.Comparisons()
        let histories = try Metric.allCases.map { try MetricHistory.build(store: store, spec: name, metric: $0, comparisons: &comparisons, subject: subject) }
            .filter { $0.rows.contains { !$0.values.isEmpty } }
        let runs = try store.runs(spec: name)
        var runPages: [(RunPage, Data?)] = []
        var testSamples: [RRSISSample]?
        for run in runs {
            var page = try RunPage.load(run, store: store)
            var png: Data?
            if let spec, run.status == .finished {
                do {
                    let samples = try ReportPlots.qualitativeSamples(columns: [run.record.runKey], store: store, testSamples: {
                        if testSamples == nil {
                            testSamples = try RunData.samples(of: .test, spec: spec, cacheRoot: ResultsFolder.cache(resultsRoot: resultsRoot))
                        }
                        return testSamples!
                    })
                    if !samples.isEmpty {
                        let panel = QualitativePanel(title: "\(run.record.cellName), seed \(run.record.seed)", variants: [run.record.cellName],
                                                     samples: samples, side: qualitativeSide)
                        png = try panel.render().png()
                        page.qualitativeFile = "run-\(slug(run.record.runKey))-qualitative.png"
                    }
                } catch {
                    notes.append("\(name): the qualitative panel of run \(run.record.runKey) was not drawn: the test images could not be loaded (\(error)).")
                }
            }
            runPages.append((page, png))
        }
        return (SpecPage(name: name, specFile: file, table: latest?.table, tableCommit: latest?.commit, histories: histories, runs: runs),
                runPages, notes)
    }

    /// The paper table of the runs finished last: among the spec's runs recorded without a commit in their keys and
    /// those recorded per commit (`--record-commit`), the plan whose latest finished run is the newest; nil when none
    /// of them has a finished run.
    static func latestTable(_ spec: AblationSpec, store: ResultStore) throws -> (table: ReportTable, commit: String?)? {
        let commits = Set(try store.runs(spec: spec.name).compactMap(\.record.commit)).sorted()
        var best: (finished: Date, plan: Plan)?
        for commit in [nil] + commits {
            let plan = Plan(spec, commit: commit)
            let finished = try plan.runs.compactMap { try store.run($0.runKey) }.filter { $0.status == .finished }.compactMap(\.finishedAt)
            guard let last = finished.max() else { continue }
            if best.map({ last > $0.finished }) ?? true { best = (last, plan) }
        }
        guard let best else { return nil }
        return (try ReportBuilder.build(best.plan, store: store), best.plan.commit)
    }

    static func index(_ pages: [SpecPage], benchmarks: BenchmarkHistory) -> String {
        var body = "<p>Generated by <code>ablate dashboard</code> from the results store. Specs: "
            + pages.map { "<a href=\"\(SpecPage.fileName($0.name))\">\(HTML.escape($0.name))</a>" }.joined(separator: ", ")
            + ". <a href=\"\(benchmarksFile)\">Benchmarks</a> (\(benchmarks.sessions.count) recordings).</p>\n"
        for page in pages {
            body += "<h2><a href=\"\(SpecPage.fileName(page.name))\">\(HTML.escape(page.name))</a></h2>\n" + page.tableHTML
        }
        return HTML.page(title: "FIABench dashboard", body: body, isIndex: true)
    }

    static func benchmarksPage(_ history: BenchmarkHistory) -> String {
        guard !history.sessions.isEmpty else {
            return HTML.page(title: "Benchmarks", body: "<p class=\"note\">No benchmark recorded yet: run "
                             + "<code>swift run -c release ablate-bench engine --record</code> (or another suite) to add one.</p>\n")
        }
        var body = "<h2>Recordings</h2>\n" + history.sessionTable
        var suite = ""
        for chart in history.charts {
            if chart.suite != suite { suite = chart.suite; body += "<h2>ablate-bench \(HTML.escape(suite))</h2>\n" }
            let figure = history.figure(suite: chart.suite, table: chart.table, column: chart.column)
            body += HTML.figure(figure.svgSurface().element, caption: "\(chart.table): \(chart.column)")
        }
        return HTML.page(title: "Benchmarks", body: body)
    }

    /// `text` with every character other than ASCII letters, digits, `-` and `_` replaced by `_`.
    static func slug(_ text: String) -> String {
        String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") ? $0 : "_" })
    }
}

/// Why `ablate dashboard` could not start.
public enum DashboardError: Error, Equatable, CustomStringConvertible {
    /// No database at the path.
    case noStore(path: String)

    public var description: String {
        switch self {
        case let .noStore(path):
            return "No results database at \(path): run an ablation first (`ablate run SPEC`), or point --store at a database."
        }
    }
}

extension DashboardSite {
    /// The site's folder under a results root: `<resultsRoot>/dashboard`.
    public static func folder(resultsRoot: String) -> String { resultsRoot + "/dashboard" }

    /// `ablate dashboard`: opens the store read-only, writes the site into `<resultsRoot>/dashboard/` and returns a
    /// summary (index path, file count, size, notes).
    /// - Throws: `DashboardError.noStore` when there is no database at `storePath`.
    public static func generate(storePath: String = ResultStore.defaultPath, resultsRoot: String = ResultsFolder.defaultRoot,
                                specsFolder: String = "Ablations", resolver: CommitResolver = CommitResolver()) throws -> String {
        guard FileManager.default.fileExists(atPath: storePath) else { throw DashboardError.noStore(path: storePath) }
        let store = try ResultStore.reading(storePath)
        let output = try write(store: store, into: folder(resultsRoot: resultsRoot), specsFolder: specsFolder, resultsRoot: resultsRoot,
                               subject: resolver.subject)
        let bytes = output.files.compactMap { try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int }.reduce(0, +)
        return "wrote \(output.files.first ?? "") and \(output.files.count - 1) more files (\(bytes / 1024) KiB); open it in a browser.\n"
            + output.notes.map { "note: \($0)\n" }.joined()
    }
}
