import Foundation
import RRSISData
import Testing
@testable import Runner
import RRSISModels

/// A `folder` dataset (manifest.jsonl layout) with broken records: each bad record is skipped with the
/// manifest's path, its line and why; a dataset left with an empty split stops the run, naming them.
@Suite struct HostileDataTests {
    /// A small valid dataset written to `root`; returns its manifest lines (train, val and test records).
    @discardableResult
    static func writeDataset(to root: URL) throws -> [String] {
        var config = SyntheticConfig()
        config.imageSize = 32
        config.trainCount = 3; config.valCount = 2; config.testCount = 2
        let splits = try SyntheticDataset.generate(config)
        try Manifest.write(splits.train + splits.val + splits.test, to: root)
        return try lines(root)
    }

    static func lines(_ root: URL) throws -> [String] {
        try String(contentsOf: root.appendingPathComponent(Manifest.fileName), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    static func field(_ key: String, of line: String) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
        return object[key] as! String
    }

    /// Loads the dataset at `root` and returns the one skipped record (failing if there is not exactly one).
    static func onlySkipped(_ root: URL, sourceLocation: SourceLocation = #_sourceLocation) throws -> SkippedRecord {
        let (samples, report) = try Manifest.load(from: root)
        #expect(samples.count == 6, "\(report)", sourceLocation: sourceLocation)
        #expect(report.skipped.count == 1, "\(report)", sourceLocation: sourceLocation)
        let skipped = try #require(report.skipped.first, sourceLocation: sourceLocation)
        #expect(skipped.path.hasSuffix("manifest.jsonl"), sourceLocation: sourceLocation)
        return skipped
    }

    func withDataset(_ body: (URL, [String]) throws -> Void) throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let root = URL(fileURLWithPath: dir.path + "/data")
        try body(root, try Self.writeDataset(to: root))
    }

    @Test func corruptPNGIsSkippedNamingFileAndLine() throws {
        try withDataset { root, lines in
            let image = root.appendingPathComponent(try Self.field("image", of: lines[1]))
            var bytes = [UInt8](try Data(contentsOf: image))
            for i in 40..<bytes.count { bytes[i] ^= 0x5A }          // signature and IHDR intact, the rest garbage
            try Data(bytes).write(to: image)
            let skipped = try Self.onlySkipped(root)
            #expect(skipped.line == 2)
            #expect(skipped.reason.contains(image.lastPathComponent))
        }
    }

    @Test func truncatedPNGIsSkippedAsTruncated() throws {
        try withDataset { root, lines in
            let mask = root.appendingPathComponent(try Self.field("mask", of: lines[2]))
            let bytes = try Data(contentsOf: mask)
            try bytes.prefix(bytes.count / 2).write(to: mask)
            let skipped = try Self.onlySkipped(root)
            #expect(skipped.line == 3)
            #expect(skipped.reason.contains("truncated") && skipped.reason.contains(mask.lastPathComponent), "\(skipped)")
        }
    }

    @Test func notAPNGAtAllIsSkipped() throws {
        try withDataset { root, lines in
            let image = root.appendingPathComponent(try Self.field("image", of: lines[0]))
            try Data("this is not an image".utf8).write(to: image)
            let skipped = try Self.onlySkipped(root)
            #expect(skipped.line == 1 && skipped.reason.contains("not a PNG"), "\(skipped)")
        }
    }

    @Test func maskOfTheWrongSizeIsSkippedWithBothSizes() throws {
        try withDataset { root, lines in
            let mask = root.appendingPathComponent(try Self.field("mask", of: lines[3]))
            try PNGCodec.writeMask([UInt8](repeating: 1, count: 16 * 8), width: 16, height: 8, to: mask)
            let skipped = try Self.onlySkipped(root)
            #expect(skipped.line == 4)
            #expect(skipped.reason.contains("32x32") && skipped.reason.contains("16x8"), "\(skipped)")
        }
    }

    @Test func emptyExpressionIsSkipped() throws {
        try withDataset { root, lines in
            var edited = lines
            let expression = try Self.field("expression", of: lines[4])
            edited[4] = lines[4].replacingOccurrences(of: "\"expression\":\"\(expression)\"", with: "\"expression\":\"  \"")
            #expect(edited[4] != lines[4])
            try (edited.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent(Manifest.fileName), atomically: true, encoding: .utf8)
            let skipped = try Self.onlySkipped(root)
            #expect(skipped.line == 5 && skipped.reason.hasPrefix("empty expression"), "\(skipped)")
        }
    }

    @Test func nonUTF8LineIsSkippedNotMangled() throws {
        try withDataset { root, lines in
            var bytes = Data()
            for (i, line) in lines.enumerated() {
                var lineBytes = Data(line.utf8)
                if i == 5, let quote = line.range(of: "\"expression\":\"") {
                    lineBytes.insert(contentsOf: [0xFF, 0xC3], at: line.utf8.distance(from: line.startIndex, to: quote.upperBound))
                }
                bytes += lineBytes + Data("\n".utf8)
            }
            try bytes.write(to: root.appendingPathComponent(Manifest.fileName))
            let skipped = try Self.onlySkipped(root)
            #expect(skipped.line == 6 && skipped.reason.contains("UTF-8"), "\(skipped)")
        }
    }

    @Test func duplicateIdsKeepTheFirstAndNameIt() throws {
        try withDataset { root, lines in
            let edited = lines + [lines[0]]
            try (edited.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent(Manifest.fileName), atomically: true, encoding: .utf8)
            let (samples, report) = try Manifest.load(from: root)
            #expect(samples.count == 7)
            #expect(Set(samples.map(\.id)).count == 7)
            #expect(report.skipped.count == 1)
            let skipped = try #require(report.skipped.first)
            #expect(skipped.line == 8 && skipped.reason.contains("duplicate id") && skipped.reason.contains("line 1"), "\(skipped)")
        }
    }

    @Test func malformedManifestLineNamesItsLine() throws {
        try withDataset { root, lines in
            var edited = lines
            edited.insert(#"{"id": "x", "image": 7}"#, at: 2)
            try (edited.joined(separator: "\n") + "\n").write(to: root.appendingPathComponent(Manifest.fileName), atomically: true, encoding: .utf8)
            let (samples, report) = try Manifest.load(from: root)
            #expect(samples.count == 7 && report.skipped.count == 1)
            #expect(report.skipped.first?.line == 3 && report.skipped.first?.reason.hasPrefix("malformed JSON") == true)
        }
    }

    /// Through the runner: every training record broken leaves an empty split; the error names the
    /// skipped records, and existing results are untouched.
    @Test func aDatasetWithNoUsableTrainingRecordsStopsTheRunNamingThem() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        let root = URL(fileURLWithPath: w.dir.path + "/data")
        let lines = try Self.writeDataset(to: root)
        for line in lines where try Self.field("split", of: line) == "train" {
            try Data("garbage".utf8).write(to: root.appendingPathComponent(try Self.field("image", of: line)))
        }
        let spec = HostileWorkspace.validSpec.replacingOccurrences(
            of: #""name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2"#, with: #""name": "folder", "path": "\#(root.path)""#)
        let error = try w.failure(of: w.runner(spec))
        guard case let .emptySplit(split, dataset)? = error as? RunDataError else { Issue.record("\(error)"); return }
        #expect(split == "train")
        #expect(dataset.contains("skipped 3") && dataset.contains("manifest.jsonl:1"), "\(error)")
    }
}
