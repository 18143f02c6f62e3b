import Foundation
import Testing
@testable import RRSISData

@Suite struct RefSegRSTests {
    @Test func loadsTheReleaseLayout() throws {
        let root = Fixture.url("refsegrs")
        let (samples, report) = try RefSegRS.load(root: root, splits: [.train, .test])
        #expect(samples.map(\.id) == ["train-1-1", "train-2-2", "test-1-2"])
        #expect(samples.map(\.expression) == ["vehicle on the left side of the road", "the building in the lower right",
                                              "low vegetation near the road"])
        #expect(samples[0].image.pixels == [UInt8]([40, 80, 120, 40, 80, 120, 40, 80, 120, 40, 80, 120]))
        #expect(samples[0].mask == [1, 0, 0, 0] && samples[1].mask == [0, 0, 0, 1])
        #expect(samples.map(\.tags.category) == ["vehicle", "building", "low vegetation"])
        #expect(samples[0].tags.scale == .large && samples[2].split == .test)
        let train = root.appendingPathComponent("output_phrase_train.txt").path
        #expect(report.loaded == 3)
        #expect(report.skipped.map(\.line) == [4, 5])
        #expect(report.skipped.allSatisfy { $0.path == train })
        #expect(report.skipped[0].reason.hasPrefix("image or mask not found:") && report.skipped[0].reason.hasSuffix("images/3.tif"))
        #expect(report.skipped[1].reason.hasPrefix("malformed line: expected \"IMAGE_NAME expression\""))
    }

    @Test func missingPhraseFileIsAnError() {
        let root = Fixture.url("refsegrs")
        #expect(dataError { _ = try RefSegRS.load(root: root, splits: [.val]) }
                == .missingFile(path: root.appendingPathComponent("output_phrase_val.txt").path))
    }
}
