import Foundation

/// Loader for RefSegRS as released:
///
/// ```
/// root/images/NAME.tif              RGB imagery (GeoTIFF accepted)
/// root/masks/NAME.tif               target mask, 0/255 (or 0/1)
/// root/output_phrase_train.txt      one sample per line: "NAME expression words ..."
/// root/output_phrase_val.txt
/// root/output_phrase_test.txt
/// ```
/// Each line becomes one sample with id `SPLIT-LINE-NAME` (the mask is looked up by image name). The category
/// tag is the first RefSegRS class name found in the expression (nil if none).
public enum RefSegRS {
    /// Loads the given splits. Missing phrase files throw; bad lines (no expression, missing image or
    /// mask, unreadable TIFF, size mismatch) are skipped and reported with file and line. Blank lines
    /// are ignored. `imageSize` resizes on load as in `Manifest.load` (scale tags from full resolution).
    public static func load(root: URL, splits: [Split] = Split.allCases, imageSize: Int? = nil) throws -> (samples: [RRSISSample], report: LoadReport) {
        var report = LoadReport()
        var entries: [(path: String, line: Int, name: String, expression: String, split: Split)] = []
        for split in splits {
            let url = root.appendingPathComponent("output_phrase_\(split.rawValue).txt")
            guard let data = FileManager.default.contents(atPath: url.path) else { throw DataError.missingFile(path: url.path) }
            for (n, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                if line.isEmpty { continue }
                guard let space = line.firstIndex(of: " "),
                      case let expression = line[line.index(after: space)...].trimmingCharacters(in: .whitespaces),
                      !expression.isEmpty else {
                    report.skipped.append(SkippedRecord(path: url.path, line: n + 1,
                        reason: "malformed line: expected \"IMAGE_NAME expression\", found \"\(line)\""))
                    continue
                }
                entries.append((url.path, n + 1, String(line[..<space]), expression, split))
            }
        }
        let results = Manifest.loadAll(entries.count) { i -> Result<RRSISSample, DataError> in
            let e = entries[i]
            return Result {
                let image = try TIFFReader.readRGB(root.appendingPathComponent("images/\(e.name).tif"))
                let mask = try TIFFReader.readMask(root.appendingPathComponent("masks/\(e.name).tif"))
                guard mask.width == image.width, mask.height == image.height else {
                    throw DataError.sizeMismatch(path: root.appendingPathComponent("masks/\(e.name).tif").path,
                                                 expected: "\(image.width)x\(image.height)", found: "\(mask.width)x\(mask.height)")
                }
                let area = mask.mask.reduce(0) { $0 + Int($1) }
                let tags = SampleTags(category: ClassLists.refSegRS.firstMatch(in: e.expression),
                                      scale: ScaleBucket(area: area, imageArea: image.width * image.height))
                return RRSISSample(id: "\(e.split.rawValue)-\(e.line)-\(e.name)", image: image, mask: mask.mask,
                                   expression: e.expression, split: e.split, tags: tags).resized(to: imageSize)
            }.mapError { ($0 as? DataError) ?? .corrupt(path: e.path, detail: "\($0)") }
        }
        var samples: [RRSISSample] = []
        for (i, r) in results.enumerated() {
            switch r {
            case .success(let s): samples.append(s)
            case .failure(let error):
                let reason: String
                if case .missingFile(let p) = error { reason = "image or mask not found: \(p)" } else { reason = "unreadable record: \(error)" }
                report.skipped.append(SkippedRecord(path: entries[i].path, line: entries[i].line, reason: reason))
            }
        }
        report.skipped.sort { ($0.path, $0.line) < ($1.path, $1.line) }
        report.loaded = samples.count
        return (samples, report)
    }
}
