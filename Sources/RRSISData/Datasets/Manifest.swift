import Foundation

/// One line of `manifest.jsonl`, our on-disk layout (also how users bring their own data):
///
/// ```
/// root/
///   manifest.jsonl      one JSON object per line:
///                       {"id": "...", "image": "images/ID.png", "mask": "masks/ID.png",
///                        "expression": "...", "split": "train|val|test", "tags": {...}}
///   images/ID.png       8-bit RGB (gray/RGBA are converted), any size
///   masks/ID.png        8-bit gray, 0/255 or 0/1, same size as the image
/// ```
/// Paths are relative to the root. `tags` may hold `category`, `scale` (small/medium/large; computed
/// from the mask when absent), `positionNeeded`, `cue`; all optional.
public struct ManifestRecord: Codable, Equatable, Sendable {
    public var id: String
    public var image: String
    public var mask: String
    public var expression: String
    public var split: Split
    public var tags: SampleTags?
}

/// Writes and reads our layout.
public enum Manifest {
    public static let fileName = "manifest.jsonl"

    /// Writes `samples` under `root` (created if needed): PNG images and masks, then the manifest,
    /// one line per sample in the given order. Keys are sorted, so equal samples give equal bytes.
    public static func write(_ samples: [RRSISSample], to root: URL) throws {
        let fm = FileManager.default
        for sub in ["images", "masks"] {
            do { try fm.createDirectory(at: root.appendingPathComponent(sub), withIntermediateDirectories: true) } catch {
                throw DataError.writeFailed(path: root.appendingPathComponent(sub).path, detail: error.localizedDescription)
            }
        }
        var failure: Error?
        let lock = NSLock()
        DispatchQueue.concurrentPerform(iterations: samples.count) { i in
            let s = samples[i]
            do {
                try PNGCodec.write(s.image, to: root.appendingPathComponent("images/\(s.id).png"))
                try PNGCodec.writeMask(s.mask, width: s.image.width, height: s.image.height,
                                       to: root.appendingPathComponent("masks/\(s.id).png"))
            } catch { lock.lock(); failure = failure ?? error; lock.unlock() }
        }
        if let failure { throw failure }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var text = ""
        for s in samples {
            let record = ManifestRecord(id: s.id, image: "images/\(s.id).png", mask: "masks/\(s.id).png",
                                        expression: s.expression, split: s.split, tags: s.tags)
            text += String(decoding: try encoder.encode(record), as: UTF8.self) + "\n"
        }
        let url = root.appendingPathComponent(fileName)
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw DataError.writeFailed(path: url.path, detail: error.localizedDescription)
        }
    }

    /// Reads the manifest under `root`, keeping records of `splits`. Bad records (malformed JSON or
    /// non-UTF-8 text, a repeated id, an empty expression, a missing or unreadable file, image/mask size
    /// mismatch) are skipped and listed in the report with
    /// the manifest's path and line. Images decode in parallel.
    ///
    /// With `imageSize`, every image (bilinear) and mask (nearest) is resized to `imageSize × imageSize`
    /// as it is loaded, so a large dataset (RRSIS-D: 800×800) never sits in memory at full resolution;
    /// the scale tag is computed from the full-resolution mask first.
    /// - Throws: `DataError.missingFile` if the manifest itself is missing.
    public static func load(from root: URL, splits: Set<Split> = Set(Split.allCases), imageSize: Int? = nil) throws -> (samples: [RRSISSample], report: LoadReport) {
        let url = root.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { throw DataError.missingFile(path: url.path) }
        let decoder = JSONDecoder()
        var records: [(line: Int, record: ManifestRecord)] = []
        var report = LoadReport()
        var firstLineOfID: [String: Int] = [:]
        for (n, bytes) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            // Decoding per line keeps a bad byte from silently becoming U+FFFD inside an expression.
            guard let line = String(bytes: bytes, encoding: .utf8) else {
                report.skipped.append(SkippedRecord(path: url.path, line: n + 1, reason: "not valid UTF-8 text: re-save the manifest as UTF-8"))
                continue
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            do {
                let r = try decoder.decode(ManifestRecord.self, from: Data(trimmed.utf8))
                if let first = firstLineOfID[r.id] {
                    report.skipped.append(SkippedRecord(path: url.path, line: n + 1, reason: "duplicate id: \"\(r.id)\" is already on line \(first)"))
                    continue
                }
                firstLineOfID[r.id] = n + 1
                if r.expression.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    report.skipped.append(SkippedRecord(path: url.path, line: n + 1, reason: "empty expression: sample \"\(r.id)\" has no referring text"))
                    continue
                }
                if splits.contains(r.split) { records.append((n + 1, r)) }
            } catch {
                report.skipped.append(SkippedRecord(path: url.path, line: n + 1, reason: "malformed JSON: \(describe(error))"))
            }
        }
        let results = loadAll(records.count) { i -> Result<RRSISSample, DataError> in
            let (line, r) = records[i]
            return Result { try sample(r, root: root).resized(to: imageSize) }.mapError { error in
                DataError.malformedRecord(path: url.path, line: line, detail: (error as? DataError)?.description ?? "\(error)")
            }
        }
        var samples: [RRSISSample] = []
        for (i, result) in results.enumerated() {
            switch result {
            case .success(let s): samples.append(s)
            case .failure(let e):
                let reason: String
                if case .malformedRecord(_, _, let detail) = e { reason = detail } else { reason = e.description }
                report.skipped.append(SkippedRecord(path: url.path, line: records[i].line, reason: "unreadable record: " + reason))
            }
        }
        report.skipped.sort { $0.line < $1.line }
        report.loaded = samples.count
        return (samples, report)
    }

    static func sample(_ r: ManifestRecord, root: URL) throws -> RRSISSample {
        let image = try readImage(root.appendingPathComponent(r.image)).rgb()
        let mask = try readMask(root.appendingPathComponent(r.mask))
        guard mask.width == image.width, mask.height == image.height else {
            throw DataError.sizeMismatch(path: root.appendingPathComponent(r.mask).path,
                                         expected: "\(image.width)x\(image.height) (the image's)", found: "\(mask.width)x\(mask.height)")
        }
        var tags = r.tags ?? SampleTags()
        if tags.scale == nil {
            tags.scale = ScaleBucket(area: mask.mask.reduce(0) { $0 + Int($1) }, imageArea: image.width * image.height)
        }
        return RRSISSample(id: r.id, image: image, mask: mask.mask, expression: r.expression, split: r.split, tags: tags)
    }

    /// PNG or TIFF by extension.
    static func readImage(_ url: URL) throws -> PixelImage {
        ["tif", "tiff"].contains(url.pathExtension.lowercased()) ? try TIFFReader.readRGB(url) : try PNGCodec.read(url)
    }

    static func readMask(_ url: URL) throws -> (width: Int, height: Int, mask: [UInt8]) {
        ["tif", "tiff"].contains(url.pathExtension.lowercased()) ? try TIFFReader.readMask(url) : try PNGCodec.readMask(url)
    }

    static func describe(_ error: Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, _)?: return "missing key \"\(key.stringValue)\""
        case .typeMismatch(_, let c)?, .valueNotFound(_, let c)?:
            return "wrong type at \(c.codingPath.map(\.stringValue).joined(separator: "."))"
        case .dataCorrupted(let c)?:
            let path = c.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? "not valid JSON" : "invalid value at \(path)"
        default: return "\(error)"
        }
    }

    /// Runs `body(0..<n)` on all cores, results in index order.
    static func loadAll<T>(_ n: Int, _ body: (Int) -> T) -> [T] {
        var out = [T?](repeating: nil, count: n)
        out.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress
            DispatchQueue.concurrentPerform(iterations: n) { i in (base! + i).pointee = body(i) }
        }
        return out.map { $0! }
    }
}
