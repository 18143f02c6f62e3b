import Foundation
import Testing
@testable import RRSISData

@Suite struct PNGTests {
    @Test func gray8() throws {
        let image = try PNGCodec.read(Fixture.url("gray8.png"))
        #expect(image.width == 3 && image.height == 2 && image.channels == 1)
        #expect(image.pixels == [0, 128, 255, 10, 20, 30])
    }

    @Test func rgb8WithSubFilter() throws {
        let image = try PNGCodec.read(Fixture.url("rgb8.png"))
        #expect(image.channels == 3)
        // Row 1 is Sub-filtered: (30,40,50) + left neighbour (10,20,30) = (40,60,80).
        #expect(image.pixels == [255, 0, 0, 0, 255, 0, 10, 20, 30, 40, 60, 80])
    }

    @Test func rgba8() throws {
        let image = try PNGCodec.read(Fixture.url("rgba8.png"))
        #expect(image.channels == 4)
        #expect(image.pixels == [1, 2, 3, 4, 250, 251, 252, 253])
        #expect(image.rgb().pixels == [1, 2, 3, 250, 251, 252])
    }

    @Test func sixteenBit() throws {
        let wide = try PNGCodec.read16(Fixture.url("gray16.png"))
        #expect(wide.samples == [0, 1000, 25700, 65535])
        // 8-bit: round(v * 255 / 65535): 1000 → 3.89 → 4; 25700 = 100 * 257 → 100.
        #expect(try PNGCodec.read(Fixture.url("gray16.png")).pixels == [0, 4, 100, 255])
    }

    @Test func palette() throws {
        let image = try PNGCodec.read(Fixture.url("palette.png"))
        #expect(image.channels == 3)
        #expect(image.pixels == [10, 10, 200, 200, 10, 10, 10, 200, 10])
    }

    @Test func adam7Interlaced() throws {
        let image = try PNGCodec.read(Fixture.url("interlaced.png"))
        #expect(image.width == 5 && image.height == 5)
        let expected: [UInt8] = (0..<25).map { (i: Int) -> UInt8 in UInt8(10 * (i / 5) + i % 5) }
        #expect(image.pixels == expected)
    }

    @Test func masksInBothConventions() throws {
        #expect(try PNGCodec.readMask(Fixture.url("mask01.png")).mask == [0, 1, 1, 0])
        #expect(try PNGCodec.readMask(Fixture.url("mask255.png")).mask == [1, 0, 0, 1])
    }

    @Test func damagedFilesNameFileAndCause() {
        let truncated = dataError { _ = try PNGCodec.read(Fixture.url("truncated.png")) }
        guard case .truncated(let p, _)? = truncated else { Issue.record("got \(String(describing: truncated))"); return }
        #expect(p.hasSuffix("truncated.png"))
        #expect(truncated!.description.contains("truncated.png") && truncated!.description.contains("truncated"))

        let corrupt = dataError { _ = try PNGCodec.read(Fixture.url("corrupt.png")) }
        guard case .corrupt(let cp, let detail)? = corrupt else { Issue.record("got \(String(describing: corrupt))"); return }
        #expect(cp.hasSuffix("corrupt.png"))
        #expect(detail.lowercased().contains("idat"))   // libpng names the damaged chunk

        #expect(dataError { _ = try PNGCodec.read(Fixture.url("not_a_png.png")) } == .notPNG(path: Fixture.url("not_a_png.png").path))
        #expect(dataError { _ = try PNGCodec.read(Fixture.url("absent.png")) } == .missingFile(path: Fixture.url("absent.png").path))
    }

    @Test(arguments: [1, 2, 3, 4])
    func writeReadRoundTrip(channels: Int) throws {
        let (w, h) = (7, 5)
        var rng = SeededRandom(seed: UInt64(channels))
        let pixels = (0..<(w * h * channels)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        let image = PixelImage(width: w, height: h, channels: channels, pixels: pixels)
        let dir = temporaryDirectory("png")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("x.png")
        try PNGCodec.write(image, to: url)
        #expect(try PNGCodec.read(url) == image)
    }

    @Test func maskWrittenAs0And255() throws {
        let dir = temporaryDirectory("mask")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("m.png")
        try PNGCodec.writeMask([0, 1, 1, 0, 1, 0], width: 3, height: 2, to: url)
        #expect(try PNGCodec.read(url).pixels == [0, 255, 255, 0, 255, 0])
        #expect(try PNGCodec.readMask(url).mask == [0, 1, 1, 0, 1, 0])
    }
}
