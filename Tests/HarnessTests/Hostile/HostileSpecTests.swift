import Foundation
import Testing
@testable import Experiment
@testable import Runner
import RRSISModels

/// Broken specs: each is rejected before anything trains, with the file, the JSON path (or line) and
/// what was expected, and existing results stay untouched.
@Suite struct HostileSpecTests {
    func failure(_ spec: String) throws -> any Error {
        let w = try HostileWorkspace()
        defer { w.remove() }
        return try w.failure(of: w.runner(spec))
    }

    func edited(_ old: String, _ new: String) -> String {
        precondition(HostileWorkspace.validSpec.contains(old), "fixture edit \(old) does not apply")
        return HostileWorkspace.validSpec.replacingOccurrences(of: old, with: new)
    }

    @Test func malformedJSONNamesFileLineAndColumn() throws {
        let error = try failure(edited(#""seeds": [0],"#, #""seeds": [0,,"#))
        let issue = try HostileWorkspace.issue(error)
        guard case let .syntax(line, column, _) = issue.problem else { Issue.record("\(issue)"); return }
        #expect(line == 12 && column > 10)
        #expect("\(error)".contains("bad.json") && "\(error)".contains("line 12"))
    }

    @Test func wrongTypeSaysWhatWasExpected() throws {
        let issue = try HostileWorkspace.issue(try failure(edited(#""epochs": 1"#, #""epochs": "ten""#)))
        #expect(issue.path == "train.epochs")
        guard case let .wrongType(expected, _, value) = issue.problem else { Issue.record("\(issue)"); return }
        #expect(expected.contains("integer") && value == "\"ten\"")
    }

    @Test func unknownKeySuggestsTheRightOne() throws {
        let issue = try HostileWorkspace.issue(try failure(edited(#""epochs": 1"#, #""epochz": 1"#)))
        #expect(issue.path == "train.epochz")
        #expect(issue.problem == .unknownKey(key: "epochz", section: "train", allowed: SpecSections.train.map(\.name), suggestion: "epochs"))
    }

    @Test func unknownComponentListsTheRegisteredOnes() throws {
        let issue = try HostileWorkspace.issue(try failure(edited(#""alignment": "fiam""#, #""alignment": "fiamm""#)))
        #expect(issue.path == "model.alignment.name")
        guard case let .unknownComponent(slot, name, allowed, suggestion) = issue.problem else { Issue.record("\(issue)"); return }
        #expect(slot == .alignment && name == "fiamm" && allowed.contains("fiam") && suggestion == "fiam")
    }

    @Test(arguments: [
        (#""epochs": 1"#, #""epochs": 1000000000"#, "train.epochs"),
        (#""epochs": 1"#, #""epochs": -3"#, "train.epochs"),
        (#""batchSize": 4"#, #""batchSize": -8"#, "train.batchSize"),
        (#""imageSize": 64"#, #""imageSize": 0"#, "dataset.imageSize"),
        (#""train": 4"#, #""train": 1e300"#, "dataset.train"),
    ])
    func absurdSizesAreOutOfRange(old: String, new: String, path: String) throws {
        let error = try failure(edited(old, new))
        let issue = try HostileWorkspace.issue(error)
        #expect(issue.path == path, "\(error)")
        switch issue.problem {
        case .outOfRange, .wrongType: break   // 1e300 is not an integer at all
        default: Issue.record("expected a range problem at \(path), got \(issue)")
        }
        #expect("\(error)".contains("expected"))
    }

    @Test func aSpecThatExtendsItselfIsACycle() throws {
        let issue = try HostileWorkspace.issue(try failure(#"{"extends": "bad.json", "seeds": [1]}"#))
        #expect(issue.path == "extends")
        guard case let .extendsCycle(chain) = issue.problem else { Issue.record("\(issue)"); return }
        #expect(chain.count == 2 && chain.allSatisfy { $0.hasSuffix("bad.json") })
    }

    @Test func extendsMayNotEscapeThroughDotDot() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        try w.dir.write("secret.json", HostileWorkspace.validSpec)
        let issue = try HostileWorkspace.issue(try w.failure(of: w.runner(#"{"extends": "../secret.json"}"#)))
        #expect(issue.path == "extends")
        guard case let .pathEscapes(path, _) = issue.problem else { Issue.record("\(issue)"); return }
        #expect(path == "../secret.json")
    }

    @Test(arguments: ["folder", "rrsisd", "refsegrs"])
    func aRelativeDatasetPathMayNotEscapeTheProject(kind: String) throws {
        let error = try failure(edited(#""name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2"#,
                                       #""name": "\#(kind)", "path": "data/../../../elsewhere""#))
        let issue = try HostileWorkspace.issue(error)
        #expect(issue.file.hasSuffix("Ablations/bad.json") && issue.path == "dataset.path")
        #expect(issue.problem == .pathEscapes(path: "data/../../../elsewhere", root: "the working directory"))
        #expect("\(error)".contains("dataset.path") && "\(error)".contains("leads outside the working directory"))
    }

    @Test func aMissingDatasetFolderIsNamed() throws {
        let missing = NSTemporaryDirectory() + "fiabench-no-such-dataset-" + UUID().uuidString
        let error = try failure(edited(#""name": "synthetic", "imageSize": 64, "train": 4, "val": 2, "test": 2"#,
                                       #""name": "folder", "path": "\#(missing)""#))
        guard case let .missingFolder(path, spec)? = error as? RunDataError else { Issue.record("\(error)"); return }
        #expect(path == missing && spec.hasSuffix("bad.json"))
        #expect("\(error)".contains("dataset.path: no folder"))
    }

    @Test func nonUTF8SpecNamesTheByteAndWhereItIs() throws {
        let w = try HostileWorkspace()
        defer { w.remove() }
        var runner = try w.runner("")
        try Data([0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]).write(to: URL(fileURLWithPath: runner.specPath))
        runner.output = { _ in }
        let issue = try HostileWorkspace.issue(try w.failure(of: runner))
        #expect(issue.problem == .notUTF8(path: runner.specPath, byte: 0xFF, offset: 2, line: 1, column: 3), "\(issue)")
        #expect(issue.file.hasSuffix("bad.json") && "\(issue)".contains("expected UTF-8") && "\(issue)".contains("save the file as UTF-8"))
    }
}
