import Foundation
import GRDB
import RRSISData
import Testing
@testable import Harness
@testable import Declarations
@testable import RunStore
@testable import Reporting
import RRSISModels

/// A project folder holding existing results (a migrated store and a report) and a spec to break; every
/// hostile test asserts its error and that those results are byte-for-byte untouched.
struct HostileWorkspace {
    let dir: TempDir
    var storePath: String { dir.path + "/Results/fiabench.sqlite" }
    var resultsRoot: String { dir.path + "/Results" }
    static let existingReport = "| Variant | mIoU |\n| FIAM | 50.00 |\n"

    /// A valid spec, tiny enough to train in a moment (it never gets that far in these tests).
    static let validSpec = """
    {
      "description": "hostile-input base",
      "dataset": {"name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2},
      "model": \(Fixtures.tinyModel),
      "train": {"epochs": 1, "batchSize": 4, "warmup": 0, "lr": 1e-3},
      "seeds": [0],
      "variants": {"rows": [{"name": "FIAM"}]}
    }
    """

    init() throws {
        dir = try TempDir()
        _ = try ResultStore(path: storePath)
        try dir.write("Results/bad/table.md", Self.existingReport)
    }

    func remove() { dir.remove() }

    /// Bytes of every file under `Results/` except SQLite's WAL side files (opening a store may create them).
    func snapshot() throws -> [String: Data] {
        var out: [String: Data] = [:]
        let fm = FileManager.default
        for case let relative as String in fm.enumerator(atPath: resultsRoot)! {
            let full = resultsRoot + "/" + relative
            var isFolder: ObjCBool = false
            guard fm.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue,
                  !relative.hasSuffix("-wal"), !relative.hasSuffix("-shm") else { continue }
            out[relative] = relative.hasSuffix(".sqlite") ? (Self.rows(full) ?? fm.contents(atPath: full)) : fm.contents(atPath: full)
        }
        return out
    }

    /// Every row of every table of a store that opens, as text: its content, whatever SQLite's header
    /// counters do when a connection opens and closes. Nil when it does not open (then bytes are compared).
    static func rows(_ path: String) -> Data? {
        guard let store = try? ResultStore.reading(path) else { return nil }
        return try? store.pool.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            let dump = try tables.map { table in
                "\(table): " + (try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")).map(\.description).sorted().joined(separator: "; ")
            }
            return Data(dump.joined(separator: "\n").utf8)
        }
    }

    /// Writes `Ablations/bad.json` and returns a runner for it writing into this workspace.
    func runner(_ spec: String) throws -> AblationRunner {
        let path = try dir.write("Ablations/bad.json", spec)
        var runner = AblationRunner(specPath: path)
        runner.storePath = storePath
        runner.resultsRoot = resultsRoot
        runner.output = { _ in }
        return runner
    }

    /// Runs `runner`, expecting it to throw; checks the results are untouched and returns the error.
    func failure(of runner: AblationRunner, sourceLocation: SourceLocation = #_sourceLocation) throws -> any Error {
        let before = try snapshot()
        var caught: (any Error)?
        do { try runner.run() } catch { caught = error }
        #expect(try snapshot() == before, "existing results changed", sourceLocation: sourceLocation)
        return try #require(caught, "the run did not fail", sourceLocation: sourceLocation)
    }

    /// The single spec issue of `error`, which must be a `SpecError`.
    static func issue(_ error: any Error, sourceLocation: SourceLocation = #_sourceLocation) throws -> SpecIssue {
        let spec = try #require(error as? SpecError, "expected a SpecError, got \(error)", sourceLocation: sourceLocation)
        #expect(spec.issues.count == 1, "\(spec)", sourceLocation: sourceLocation)
        return try #require(spec.issues.first, sourceLocation: sourceLocation)
    }
}

/// SplitMix64: the fuzz tests' seeded generator.
struct FuzzRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }

    /// `bytes` with 1–4 random edits: flip a bit, overwrite, insert or delete a byte, duplicate or drop a span.
    mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes
        for _ in 0...below(4) {
            guard !b.isEmpty else { b = [UInt8(truncatingIfNeeded: next())]; continue }
            let i = below(b.count)
            switch below(6) {
            case 0: b[i] ^= UInt8(1 << below(8))
            case 1: b[i] = UInt8(truncatingIfNeeded: next())
            case 2: b.insert(UInt8(truncatingIfNeeded: next()), at: i)
            case 3: b.remove(at: i)
            case 4: let n = min(below(16) + 1, b.count - i); b.insert(contentsOf: b[i..<(i + n)], at: i)
            default: let n = min(below(32) + 1, b.count - i); b.removeSubrange(i..<(i + n))
            }
        }
        return b
    }
}
