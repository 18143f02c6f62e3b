import Foundation
import Testing
@testable import RRSISData

@Suite struct DatasetSourceTests {
    /// What identifies a source's data in run keys is `DatasetFingerprint` (the harness's Experiment target):
    /// the spec's dataset section, plus the files' content for data on disk.
    @Test func sourcesLoad() throws {
        var c = SyntheticConfig()
        c.trainCount = 3; c.valCount = 1; c.testCount = 1
        let synthetic = DatasetSource.synthetic(c)
        let (splits, report) = try synthetic.load()
        #expect(splits.train.count == 3 && splits[.val].count == 1 && report.loaded == 5)
        #expect(synthetic.classList.name == "synthetic")

        let refseg = DatasetSource.refSegRS(root: Fixture.url("refsegrs"))
        #expect(refseg.classList.classes.count == 14)

        let dir = temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Manifest.write(splits.train, to: dir)
        let folder = DatasetSource.folder(root: dir, classList: ClassLists.rrsisD)
        #expect(try folder.load().splits.train == splits.train)
    }
}
