import Foundation
import Testing
@testable import RRSISData

@Suite struct DatasetSourceTests {
    @Test func sourcesLoadAndFingerprint() throws {
        var c = SyntheticConfig()
        c.trainCount = 3; c.valCount = 1; c.testCount = 1
        let synthetic = DatasetSource.synthetic(c)
        #expect(try synthetic.fingerprint() == c.fingerprint)
        let (splits, report) = try synthetic.load()
        #expect(splits.train.count == 3 && splits[.val].count == 1 && report.loaded == 5)
        #expect(synthetic.classList.name == "synthetic")

        let refseg = DatasetSource.refSegRS(root: Fixture.url("refsegrs"))
        // output_phrase_val.txt is absent from the fixture: the fingerprint names it.
        #expect(dataError { _ = try refseg.fingerprint() }
                == .missingFile(path: Fixture.url("refsegrs/output_phrase_val.txt").path))
        #expect(refseg.classList.classes.count == 14)

        let dir = temporaryDirectory("source")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Manifest.write(splits.train, to: dir)
        let folder = DatasetSource.folder(root: dir, classList: ClassLists.rrsisD)
        let before = try folder.fingerprint()
        #expect(before.count == 16)
        #expect(try folder.load().splits.train == splits.train)
        try Manifest.write(Array(splits.train.prefix(2)), to: dir)
        #expect(try folder.fingerprint() != before)
    }
}
