import Foundation
import Testing
@testable import Experiment
import RRSISModels

/// Run keys of data on disk follow the files; the synthetic benchmark's keys never move.
struct DatasetFingerprintTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The run keys of the shipped alignment ablation are those of its committed example notebook (which
    /// lists them in its first code cell): the committed report is what the shipped spec computes.
    @Test func syntheticRunKeysAreThoseOfTheCommittedExample() throws {
        let spec = try SpecLoader(workingDirectory: Self.repository).load("Ablations/fiam_vs_coarse.json")
        let notebook = try String(contentsOfFile: Self.repository + "/notebooks-export/fiam_vs_coarse.ipynb", encoding: .utf8)
        // Keys appear as escaped JSON strings inside the code cell's source: \"0d1584d5333bad15\".
        let pattern = try NSRegularExpression(pattern: #"\\"([0-9a-f]{16})\\""#)
        let committed = Set(pattern.matches(in: notebook, range: NSRange(notebook.startIndex..., in: notebook)).map {
            String(notebook[Range($0.range(at: 1), in: notebook)!])
        })
        #expect(committed.count == 9)
        #expect(Set(Plan(spec).runs.map(\.runKey)) == committed)
    }

    /// A tiny dataset folder: a manifest and a mask.
    struct Folder {
        let dir: TempDir
        var root: String { dir.path + "/data" }
        init() throws {
            dir = try TempDir()
            try dir.write("data/manifest.jsonl", #"{"id": "a"}"# + "\n")
            try dir.write("data/masks/a.png", "mask bytes")
        }
        func keys(_ mode: String) throws -> [String] {
            let spec = try Fixtures.alignment {
                try $0.set("dataset", #"{"name": "folder", "path": "\#(root)", "fingerprint": "\#(mode)"}"#)
            }.get()
            return Plan(spec).runs.map(\.runKey)
        }
        func touch(_ relative: String, _ secondsAgo: Double) throws {
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -secondsAgo)], ofItemAtPath: root + "/" + relative)
        }
    }

    @Test func editingTheManifestOrAMaskMakesNewRunKeys() throws {
        let f = try Folder()
        defer { f.dir.remove() }
        try f.touch("masks/a.png", 1000)
        let quick = try f.keys("quick"), full = try f.keys("full")
        let again = try f.keys("quick")
        #expect(quick != full && quick == again)
        try f.dir.write("data/manifest.jsonl", #"{"id": "b"}"# + "\n")
        let edited = try f.keys("quick")
        #expect(edited != quick)
        try f.touch("masks/a.png", 500)                         // a mask rewritten (same bytes, new mtime)
        let touched = try f.keys("quick")
        #expect(touched != edited)
        let fullBefore = try f.keys("full")
        try f.touch("masks/a.png", 100)
        let fullTouched = try f.keys("full")
        #expect(fullTouched == fullBefore, "full hashing looks at bytes, not mtimes")
        try f.dir.write("data/masks/a.png", "MASK BYTES")        // same size, new content
        let fullEdited = try f.keys("full")
        #expect(fullEdited != fullBefore)
    }

    @Test func aMissingFolderHasItsOwnKeysAndPlanningStillWorks() throws {
        let f = try Folder()
        let existing = try f.keys("quick")
        f.dir.remove()
        let gone = try f.keys("quick")
        #expect(gone != existing)
        #expect(DatasetFingerprint.content(of: URL(fileURLWithPath: f.root), full: false) == "missing")
    }
}
