import Foundation
import Testing
@testable import RRSISData

@Suite struct TIFFTests {
    @Test func rgbStrip() throws {
        let image = try TIFFReader.readRGB(Fixture.url("rgb.tif"))
        #expect(image.width == 3 && image.height == 2 && image.channels == 3)
        // The fixture's pixel (x, y) is (10x + 1, 20y + 2, 30 + x + y).
        var expected: [UInt8] = []
        for y in 0..<2 { for x in 0..<3 { expected += [UInt8(10 * x + 1), UInt8(20 * y + 2), UInt8(30 + x + y)] } }
        #expect(image.pixels == expected)
    }

    @Test func grayMask() throws {
        let m = try TIFFReader.readMask(Fixture.url("mask.tif"))
        #expect(m.width == 3 && m.height == 2)
        #expect(m.mask == [0, 1, 1, 0, 0, 1])
    }

    @Test func errorsAreTypedAndQuiet() {
        let bad = dataError { _ = try TIFFReader.readRGB(Fixture.url("not_a_tiff.tif")) }
        guard case .tiff(let p, let detail)? = bad else { Issue.record("got \(String(describing: bad))"); return }
        #expect(p.hasSuffix("not_a_tiff.tif"))
        #expect(!detail.isEmpty)
        #expect(dataError { _ = try TIFFReader.readRGB(Fixture.url("nope.tif")) } == .missingFile(path: Fixture.url("nope.tif").path))
    }
}
