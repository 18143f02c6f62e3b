import Foundation
import RRSISData
import Testing
@testable import Harness
@testable import Declarations
@testable import Experiment
@testable import RunStore
import RRSISModels

/// Inputs that are not specs at all, absurd option values, paths that leave the project, and what a
/// rejected or killed run leaves behind: each gets a message saying what was expected and what was found,
/// and existing results stay untouched.
@Suite struct HostileInputTests {
    /// The single issue of loading `path` (relative to the workspace) with `overrides`.
    func issue(loading path: String, in w: HostileWorkspace, overrides: [String] = []) throws -> SpecIssue {
        let before = try w.snapshot()
        var caught: (any Error)?
        do { _ = try SpecLoader(workingDirectory: w.dir.path).load(path, overrides: overrides) } catch { caught = error }
        #expect(try w.snapshot() == before)
        return try HostileWorkspace.issue(try #require(caught, "\(path) loaded"))
    }

    @Test(arguments: [("folder", "a folder"), ("fifo", "a named pipe (FIFO)"), ("/dev/zero", "a device"), ("/dev/null", "a device")])
    func somethingThatIsNotAFileIsNamedAsSuch(kind: String, found: String) throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        var path = kind
        switch kind {
        case "folder": try FileManager.default.createDirectory(atPath: w.dir.path + "/Ablations/folder.json", withIntermediateDirectories: true)
            path = "Ablations/folder.json"
        case "fifo": #expect(mkfifo(w.dir.path + "/spec.json", 0o600) == 0)   // reading it would block forever
            path = "spec.json"
        default: break
        }
        let issue = try issue(loading: path, in: w)
        #expect(issue.problem == .notASpecFile(path: path, found: found))
        #expect(issue.sentence.hasPrefix("expected a JSON spec file at \"\(path)\", found \(found)"))
    }

    @Test func aSpecFileTooLargeToBeOneIsRefusedUnread() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let path = try w.dir.write("Ablations/huge.json", "")
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.truncate(atOffset: UInt64(SpecFile.maximumBytes + 1))   // sparse: costs no disk
        try handle.close()
        let issue = try issue(loading: "Ablations/huge.json", in: w)
        guard case .tooLarge = issue.problem else { Issue.record("\(issue)"); return }
        #expect(issue.sentence.contains("\(SpecFile.maximumBytes + 1) bytes") && issue.sentence.contains("16 MiB"))
    }

    @Test func jsonNestedBeyondTheBoundIsASyntaxErrorNotAStackOverflow() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        for depth in [JSONParser.maximumDepth + 1, 100_000] {
            try w.dir.write("Ablations/deep.json", String(repeating: "[", count: depth) + String(repeating: "]", count: depth))
            let issue = try issue(loading: "Ablations/deep.json", in: w)
            guard case let .syntax(line, column, message) = issue.problem else { Issue.record("\(issue)"); return }
            #expect(line == 1 && column == JSONParser.maximumDepth + 1 && message.contains("deeper than 64"), "\(issue)")
        }
        try w.dir.write("Ablations/ok.json", String(repeating: "[", count: JSONParser.maximumDepth) + String(repeating: "]", count: JSONParser.maximumDepth))
        #expect(throws: SpecError.self) { _ = try SpecLoader(workingDirectory: w.dir.path).load("Ablations/ok.json") }   // parses; not a spec
    }

    @Test(arguments: [String(repeating: "a.", count: 100_000) + "a=1", "train." + String(repeating: "x", count: 5000) + "=1"])
    func absurdSetKeysAreRefusedWithTheirBound(_ text: String) throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        try w.dir.write("Ablations/ok.json", HostileWorkspace.validSpec)
        let issue = try issue(loading: "Ablations/ok.json", in: w, overrides: [text])
        guard case let .invalidOverride(shown, reason) = issue.problem else { Issue.record("\(issue)"); return }
        #expect(shown.count <= 81 && reason.contains("at most \(Override.maximumKeyDepth) parts"), "\(issue)")
    }

    @Test func theDeepestRealSetKeyIsWithinTheBound() throws {
        let o = try Override(parsing: "variants.rows.0.model.backbone.params.dims.2=64")
        #expect(o.path.count <= Override.maximumKeyDepth)
    }

    // MARK: Paths (one rule, checked while loading, for every command)

    @Test func aSymlinkInsideTheProjectThatLeadsOutsideCannotBeExtended() throws {
        let w = try HostileWorkspace()
        let outside = try TempDir()
        defer { w.remove(); outside.remove() }
        try outside.write("secret.json", HostileWorkspace.validSpec)
        try w.dir.write("Ablations/x.json", #"{"extends": "shared/secret.json"}"#)
        try FileManager.default.createSymbolicLink(atPath: w.dir.path + "/Ablations/shared", withDestinationPath: outside.path)
        let issue = try issue(loading: "Ablations/x.json", in: w)
        #expect(issue.path == "extends" && issue.problem == .pathEscapes(path: "shared/secret.json", root: "Ablations"))
        #expect(!issue.sentence.contains("through"), "no \"..\" is involved: \(issue.sentence)")
        #expect(issue.sentence.contains("symbolic links"))
    }

    @Test func anAbsoluteExtendsIsTheAuthorsChoiceAndLoads() throws {
        let w = try HostileWorkspace()
        let outside = try TempDir()
        defer { w.remove(); outside.remove() }
        let base = try outside.write("base.json", HostileWorkspace.validSpec)
        try w.dir.write("Ablations/x.json", #"{"extends": "\#(base)", "seeds": [3]}"#)
        let spec = try SpecLoader(workingDirectory: w.dir.path).load("Ablations/x.json")
        #expect(spec.seeds == [3] && spec.name == "x")
    }

    @Test func aDatasetPathLeavingTheProjectThroughASymlinkIsRejectedWhenLoading() throws {
        let w = try HostileWorkspace()
        let outside = try TempDir()
        defer { w.remove(); outside.remove() }
        try FileManager.default.createSymbolicLink(atPath: w.dir.path + "/data", withDestinationPath: outside.path)
        try w.dir.write("Ablations/ds.json", HostileWorkspace.validSpec.replacingOccurrences(
            of: #""name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2"#, with: #""name": "folder", "path": "data/rrsisd""#))
        let issue = try issue(loading: "Ablations/ds.json", in: w)
        #expect(issue.path == "dataset.path" && issue.problem == .pathEscapes(path: "data/rrsisd", root: "the working directory"))
    }

    /// Every command loads specs through `SpecLoader`, so `plan` and `report` reject what `run` rejects.
    @Test(arguments: ["plan", "report"])
    func aDatasetPathLeavingTheProjectIsRejectedByReadingCommandsToo(_ command: String) throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let escape = String(repeating: "../", count: 64) + "elsewhere"
        let spec = try w.dir.write("Ablations/ds.json", HostileWorkspace.validSpec.replacingOccurrences(
            of: #""name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2"#, with: #""name": "folder", "path": "\#(escape)""#))
        let before = try w.snapshot()
        let error = try #require(throws: SpecError.self) {
            if command == "plan" { _ = try HarnessCommands.plan(spec: spec, storePath: w.storePath) }
            else { _ = try HarnessCommands.report(spec: spec, storePath: w.storePath, resultsRoot: w.resultsRoot, ansi: false) }
        }
        #expect(try w.snapshot() == before)
        #expect(error.issues.map(\.path) == ["dataset.path"])
        #expect(error.issues.first?.problem == .pathEscapes(path: escape, root: "the working directory"))
    }

    @Test func pathRuleFollowsLinksAndFoldsDotDot() throws {
        let dir = try TempDir()
        let outside = try TempDir()
        defer { dir.remove(); outside.remove() }
        try FileManager.default.createDirectory(atPath: dir.path + "/in", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/out", withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/back", withDestinationPath: dir.path + "/in")
        #expect(PathRule.staysInside("in/x", from: dir.path, root: dir.path))
        #expect(PathRule.staysInside("back/not-yet/x", from: dir.path, root: dir.path))
        #expect(PathRule.staysInside("in/../in/x", from: dir.path, root: dir.path))
        #expect(!PathRule.staysInside("../x", from: dir.path, root: dir.path))
        #expect(!PathRule.staysInside("out/x", from: dir.path, root: dir.path))
        #expect(!PathRule.staysInside("out", from: dir.path, root: dir.path))
        #expect(PathRule.staysInside("/anywhere/at/all", from: dir.path, root: dir.path))
    }

    // MARK: Options

    @Test func aRegularFileAsResultsFolderIsNamed() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let file = try w.dir.write("afile", "not a folder")
        var runner = try w.runner(HostileWorkspace.validSpec)
        runner.resultsRoot = file
        let error = try #require(try w.failure(of: runner) as? FolderNotWritable)
        #expect(error.reason == "\(file) is a file, not a folder", "\(error)")
        #expect("\(error)".contains("--results"))
    }

    @Test func aRegularFileAsReportResultsIsNamed() throws {
        let f = try ReadOnlyFixture()
        defer { f.dir.remove() }
        let file = try f.dir.write("afile", "not a folder")
        #expect(throws: ReportError.cannotWrite(folder: file + "/ro", reason: "\(file) is a file, not a folder")) {
            _ = try HarnessCommands.report(spec: f.specPath, storePath: f.storePath, resultsRoot: file, ansi: false)
        }
        #expect(throws: NotebookExportError.cannotWrite(path: file + "/ro.ipynb", reason: "\(file) is a file, not a folder")) {
            _ = try HarnessCommands.exportNotebook(spec: f.specPath, storePath: f.storePath, resultsRoot: f.dir.path, outputFolder: file)
        }
    }

    /// `--index -3` used to read as a missing value (an option named "-3"); now it reaches the range check.
    @Test func aNegativeIndexIsOutOfRangeNotAMissingValue() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let spec = try w.dir.write("Ablations/ok.json", HostileWorkspace.validSpec)
        let result = try AblateProcess.run(["run-task", spec, "--index", "-3", "--db", w.dir.path + "/w.sqlite"], in: w.dir.path)
        #expect(result.status != 0)
        #expect(result.output.contains("--index must be a position in the plan, 0 or more") && result.output.contains("found -3"), "\(result.output)")
        #expect(!FileManager.default.fileExists(atPath: w.dir.path + "/w.sqlite"))
    }

    // MARK: Leftovers

    @Test func aRejectedRunRemovesTheResultsFolderItMade() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        try FileManager.default.removeItem(atPath: w.resultsRoot + "/bad")
        let missing = w.dir.path + "/no-such-dataset"
        let spec = HostileWorkspace.validSpec.replacingOccurrences(
            of: #""name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2"#, with: #""name": "folder", "path": "\#(missing)""#)
        _ = try w.failure(of: w.runner(spec))
        #expect(!FileManager.default.fileExists(atPath: w.resultsRoot + "/bad"), "an empty Results/bad/ was left behind")
    }

    @Test func staleCacheTemporaryFoldersOfDeadProcessesAreRemoved() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let root = URL(fileURLWithPath: dir.path)
        let me = ProcessInfo.processInfo.processIdentifier
        let dead = Int32.max - 7   // beyond any pid Linux hands out
        let names = [".tmp-abc-\(dead)", ".tmp-abc-\(dead)@\(TemporaryOwnerName.host)", ".tmp-abc-\(me)@\(TemporaryOwnerName.host)",
                     ".tmp-abc-\(dead)@elsewhere", "synthetic-v1-abc"]
        for n in names { try dir.write(n + "/manifest.json", "{}") }
        try dir.write(".tmp-old-\(dead)@elsewhere/manifest.json", "{}")
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -2 * 86_400)],
                                              ofItemAtPath: dir.path + "/.tmp-old-\(dead)@elsewhere")
        SyntheticDataset.removeStaleTemporaryFolders(in: root)
        let left = Set(try FileManager.default.contentsOfDirectory(atPath: dir.path))
        #expect(left == [".tmp-abc-\(me)@\(TemporaryOwnerName.host)", ".tmp-abc-\(dead)@elsewhere", "synthetic-v1-abc"])
    }

    /// The next `ablate run` clears them even when it generates no data (here it stops at a store from a
    /// newer FIABench, before any data is loaded).
    @Test func theNextRunRemovesStaleCacheFolders() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let stale = w.resultsRoot + "/.cache/.tmp-abc-\(Int32.max - 7)@\(TemporaryOwnerName.host)"
        try FileManager.default.createDirectory(atPath: stale, withIntermediateDirectories: true)
        let store = try ResultStore(path: w.storePath)
        try store.pool.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99_from_the_future')") }
        let error = try w.failure(of: w.runner(HostileWorkspace.validSpec))
        #expect(error is StoreError, "\(error)")
        #expect(!FileManager.default.fileExists(atPath: stale))
    }
}

/// This host's name as `SyntheticDataset` writes it into temporary folder names.
enum TemporaryOwnerName {
    static var host: String { ProcessInfo.processInfo.hostName.replacingOccurrences(of: "-", with: "_") }
}

/// More files that are almost specs.
@Suite struct HostileSpecFileTests {
    @Test func aUTF8ByteOrderMarkIsAccepted() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try (Data([0xEF, 0xBB, 0xBF]) + Data(HostileWorkspace.validSpec.utf8)).write(to: URL(fileURLWithPath: dir.path + "/bom.json"))
        #expect(try SpecLoader(workingDirectory: dir.path).load("bom.json").seeds == [0])
    }

    /// Windows Notepad's "Unicode": UTF-16 with a byte-order mark.
    @Test func aUTF16SpecIsNamedAsNotUTF8() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in HostileWorkspace.validSpec.utf16 { bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        try Data(bytes).write(to: URL(fileURLWithPath: dir.path + "/u16.json"))
        let error = try #require(throws: SpecError.self) { try SpecLoader(workingDirectory: dir.path).load("u16.json") }
        #expect(error.issues.map(\.problem) == [.notUTF8(path: "u16.json", byte: 0xFF, offset: 0, line: 1, column: 1)])
        #expect("\(error)".contains("save the file as UTF-8") && "\(error)".contains("Nothing was run"))
    }

    @Test func aSymlinkLoopAsSpecIsNamed() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/a.json", withDestinationPath: dir.path + "/b.json")
        try FileManager.default.createSymbolicLink(atPath: dir.path + "/b.json", withDestinationPath: dir.path + "/a.json")
        let error = try #require(throws: SpecError.self) { try SpecLoader(workingDirectory: dir.path).load("a.json") }
        guard case let .unreadable(path, reason)? = error.issues.first?.problem else { Issue.record("\(error)"); return }
        #expect(path == "a.json" && reason.lowercased().contains("symbolic links"), "\(error)")
    }

    @Test func anEmptySpecFileIsASyntaxErrorAtItsStart() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("empty.json", "")
        let error = try #require(throws: SpecError.self) { try SpecLoader(workingDirectory: dir.path).load("empty.json") }
        guard case let .syntax(line, column, message)? = error.issues.first?.problem else { Issue.record("\(error)"); return }
        #expect(line == 1 && column == 1 && message.contains("expected a value"))
    }

    /// A `--set` value nested beyond the bound is taken as text and then rejected by type, not parsed deeply.
    @Test func aDeeplyNestedSetValueIsRejectedByType() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("ok.json", HostileWorkspace.validSpec)
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let error = try #require(throws: SpecError.self) {
            try SpecLoader(workingDirectory: dir.path).load("ok.json", overrides: ["train.epochs=" + deep])
        }
        #expect(error.issues.map(\.path) == ["train.epochs"])
        #expect("\(error)".count < 600 && "\(error)".contains("(20002 characters)"), "\(error)")
    }
}
