import Foundation
@testable import Declarations
@testable import Experiment
import RRSISModels

/// A fresh temporary directory, removed by the caller with `remove()`.
struct TempDir {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "fiabench-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `relative` (creating folders); returns the full path.
    @discardableResult
    func write(_ relative: String, _ text: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: full, atomically: true, encoding: .utf8)
        return full
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

enum Fixtures {
    /// The `model` object of specs that must train in a moment: a 4-stage Swin of widths 8…32, a one-layer
    /// text encoder, FIAM + TMEM, a 16-wide decoder.
    static let tinyModel = """
    {
        "backbone": {"name": "swin", "params": {"dims": [8, 16, 24, 32], "depths": [1, 1, 1, 1], "heads": [1, 1, 2, 2], "window": 4}},
        "text": {"name": "transformer", "params": {"dim": 16, "layers": 1, "heads": 2, "maxLength": 8}},
        "alignment": "fiam",
        "scale": {"name": "tmem", "params": {"blocks": 1}},
        "decoder": {"name": "lavt", "params": {"dim": 16}}
      }
    """

    /// The alignment ablation as a spec: three rows over a fixed base model, three seeds.
    static let alignmentSpec = """
    {
      "description": "Alignment ablation.",
      "dataset": {"name": "synthetic", "imageSize": 64, "train": 200, "val": 50, "test": 50, "seed": 0},
      "model": {
        "backbone": "swin",
        "text": "transformer",
        "alignment": "fiam",
        "scale": {"name": "tmem", "params": {"blocks": 1}},
        "decoder": "lavt"
      },
      "train": {"epochs": 4, "batchSize": 8, "lr": 1e-3},
      "seeds": [0, 1, 2],
      "variants": {"rows": [
        {"name": "Coarse", "model": {"alignment": "coarse"}},
        {"name": "FIAM w/o spatial", "model": {"alignment": {"name": "fiam", "params": {"spatial": false}}}},
        {"name": "FIAM"}
      ]},
      "baseline": "Coarse"
    }
    """

    /// Parses and validates `text` as a spec named "test".
    static func validate(_ text: String, registry: Registry = .standard) throws -> Result<AblationSpec, SpecError> {
        SpecValidator(registry: registry).validate(try JSONParser.parse(text), name: "test", file: "test.json")
    }

    /// `alignmentSpec` validated (fails the test on a problem).
    static func alignment() throws -> AblationSpec {
        try validate(alignmentSpec).get()
    }

    /// `alignmentSpec` with `edit` applied to its JSON.
    static func alignment(editing edit: (JSONValue) throws -> JSONValue) throws -> Result<AblationSpec, SpecError> {
        let doc = try edit(try JSONParser.parse(alignmentSpec))
        return SpecValidator().validate(doc, name: "test", file: "test.json")
    }

    /// Issues of a failed validation (empty if it succeeded).
    static func issues(_ r: Result<AblationSpec, SpecError>) -> [SpecIssue] {
        if case .failure(let e) = r { return e.issues }
        return []
    }
}

extension JSONValue {
    /// Sets a dotted path (test convenience; uses the `--set` machinery).
    func set(_ path: String, _ json: String) throws -> JSONValue {
        try Override(parsing: path + "=" + json).apply(to: self)
    }
}
