import Foundation
import Testing
@testable import Harness

/// Run keys of data on disk follow the files; the synthetic benchmark's keys never move.
struct DatasetFingerprintTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// The run keys of the shipped alignment ablation are those of its committed example notebook.
    @Test func syntheticRunKeysAreThoseOfTheCommittedExample() throws {
        let spec = try SpecLoader(workingDirectory: Self.repository).load("Ablations/fiam_vs_coarse.json")
        #expect(Plan(spec).runs.map(\.runKey).sorted() == ["18d96199f194cad8", "28266c37a6c4cf96", "69a28b0d5ff215dc", "8902a07459711f35",
                                                          "a37a39f66da40829", "d2fd3fdf3424a6a5", "e2714ea69d840261", "f8779e4138ce3a1c",
                                                          "fb412d2427a2b8b9"])
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
