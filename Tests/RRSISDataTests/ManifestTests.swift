import Foundation
import Testing
@testable import RRSISData

@Suite struct ManifestTests {
    @Test func writeThenLoadIsLossless() throws {
        var c = SyntheticConfig()
        c.trainCount = 5; c.valCount = 2; c.testCount = 1; c.seed = 9
        let splits = try SyntheticDataset.generate(c)
        let all = splits.train + splits.val + splits.test
        let dir = temporaryDirectory("manifest")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Manifest.write(all, to: dir)
        let (loaded, report) = try Manifest.load(from: dir)
        #expect(loaded == all)
        #expect(report == LoadReport(loaded: 8, skipped: []))
        #expect(try Manifest.load(from: dir, splits: [.val]).samples == splits.val)
        // Resizing on load: 64 → 32 nearest keeps every other mask pixel; tags (scale) come from 64×64.
        let small = try Manifest.load(from: dir, imageSize: 32).samples
        #expect(small.map(\.tags) == all.map(\.tags))
        #expect(small[0].image.width == 32 && small[0].mask.count == 32 * 32)
        let expected: [UInt8] = (0..<(32 * 32)).map { i -> UInt8 in all[0].mask[(2 * (i / 32) + 1) * 64 + 2 * (i % 32) + 1] }
        #expect(small[0].mask == expected)
        let firstLine = try String(contentsOf: dir.appendingPathComponent("manifest.jsonl"), encoding: .utf8).split(separator: "\n")[0]
        #expect(firstLine.hasPrefix("{\"expression\":") && firstLine.contains("\"image\":\"images/syn-train-000000.png\""))
    }

    @Test func badRecordsAreSkippedWithLineAndReason() throws {
        let dir = temporaryDirectory("bad")
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("images"), withIntermediateDirectories: true)
        try PNGCodec.write(PixelImage(width: 2, height: 2, channels: 3, pixels: [UInt8](repeating: 9, count: 12)),
                           to: dir.appendingPathComponent("images/a.png"))
        try PNGCodec.writeMask([1, 0, 0, 0], width: 2, height: 2, to: dir.appendingPathComponent("images/a_mask.png"))
        try PNGCodec.writeMask([1, 0, 0, 0, 1, 1], width: 3, height: 2, to: dir.appendingPathComponent("images/wide.png"))
        let lines = [
            #"{"id":"a","image":"images/a.png","mask":"images/a_mask.png","expression":"the tank","split":"train"}"#,
            #"{"id":"b","image":"images/a.png","#,
            #"{"id":"c","image":"images/a.png","expression":"no mask key","split":"train"}"#,
            "",
            #"{"id":"d","image":"images/missing.png","mask":"images/a_mask.png","expression":"x","split":"train"}"#,
            #"{"id":"e","image":"images/a.png","mask":"images/a_mask.png","expression":"x","split":"dev"}"#,
            #"{"id":"f","image":"images/a.png","mask":"images/wide.png","expression":"x","split":"test"}"#,
        ]
        try lines.joined(separator: "\n").write(to: dir.appendingPathComponent("manifest.jsonl"), atomically: true, encoding: .utf8)
        let (samples, report) = try Manifest.load(from: dir)
        #expect(samples.map(\.id) == ["a"])
        // Scale filled in from the mask: 1 of 4 pixels = 25 % → large.
        #expect(samples[0].tags == SampleTags(scale: .large))
        #expect(report.loaded == 1)
        #expect(report.skipped.map(\.line) == [2, 3, 5, 6, 7])
        #expect(report.skipped[0].reason == "malformed JSON: not valid JSON")
        #expect(report.skipped[1].reason == "malformed JSON: missing key \"mask\"")
        #expect(report.skipped[2].reason.contains("missing.png: file not found"))
        #expect(report.skipped[3].reason == "malformed JSON: invalid value at split")
        #expect(report.skipped[4].reason.contains("does not match"))
        #expect(report.skipped.allSatisfy { $0.path.hasSuffix("manifest.jsonl") })
        #expect(report.description.hasPrefix("loaded 1 records, skipped 5 (3 × malformed JSON, 2 × unreadable record)"))
        #expect(report.description.contains("manifest.jsonl:2: malformed JSON"))
    }

    @Test func missingManifestIsAnError() {
        let dir = temporaryDirectory("none")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(dataError { _ = try Manifest.load(from: dir) } == .missingFile(path: dir.appendingPathComponent("manifest.jsonl").path))
    }

    @Test func syntheticCacheIsKeyedAndReused() throws {
        var c = SyntheticConfig()
        c.trainCount = 4; c.valCount = 2; c.testCount = 2; c.seed = 5
        let root = temporaryDirectory("cache")
        defer { try? FileManager.default.removeItem(at: root) }
        let first = try SyntheticDataset.loadOrGenerate(c, cacheRoot: root)
        let dir = SyntheticDataset.cacheDirectory(for: c, under: root)
        #expect(dir.lastPathComponent == "synthetic-v\(SyntheticGenerator.version)-\(c.fingerprint)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path))
        // Mark the cached copy: a reload must read it rather than regenerate.
        let manifest = dir.appendingPathComponent("manifest.jsonl")
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try text.replacingOccurrences(of: first.train[0].expression + "\"", with: "CACHED\"")
            .write(to: manifest, atomically: true, encoding: .utf8)
        let second = try SyntheticDataset.loadOrGenerate(c, cacheRoot: root)
        #expect(second.train[0].expression == "CACHED")
        #expect(second.train[0].image == first.train[0].image && second.test == first.test)
        #expect(try FileManager.default.contentsOfDirectory(atPath: root.path) == [dir.lastPathComponent])
    }
}
