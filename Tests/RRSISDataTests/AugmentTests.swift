import Testing
@testable import RRSISData

@Suite struct AugmentTests {
    @Test func bilinearUpAndDown() {
        // Up 2 → 4: samples at x = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped).
        let up = Resize.bilinear(PixelImage(width: 2, height: 1, channels: 1, pixels: [0, 100]), width: 4, height: 1)
        #expect(up.pixels == [0, 25, 75, 100])
        // Down 4 → 2: samples at x = 0.5 and 2.5: (0+100)/2, (200+255)/2 = 227.5 → 228.
        let down = Resize.bilinear(PixelImage(width: 4, height: 1, channels: 1, pixels: [0, 100, 200, 255]), width: 2, height: 1)
        #expect(down.pixels == [50, 228])
    }

    @Test func nearestKeepsMasksBinary() {
        let m = Resize.nearest([1, 0, 0, 1], width: 2, height: 2, toWidth: 4, height: 4)
        #expect(m == [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1])
        #expect(Resize.nearest(m, width: 4, height: 4, toWidth: 2, height: 2) == [1, 0, 0, 1])
    }

    @Test func imageNetNormalisation() {
        let chw = Normalization.imageNet.chw(PixelImage(width: 1, height: 1, channels: 3, pixels: [255, 0, 128]))
        let expected: [Float] = [(1 - 0.485) / 0.229, -0.456 / 0.224, (128.0 / 255 - 0.406) / 0.225]
        for (a, b) in zip(chw, expected) { #expect(abs(a - b) < 1e-5) }
        // Planar layout: a 2-pixel image puts both reds first.
        let two = Normalization.unit.chw(PixelImage(width: 2, height: 1, channels: 3, pixels: [255, 0, 0, 51, 0, 0]))
        #expect(zip(two, [1, 0.2, 0, 0, 0, 0] as [Float]).allSatisfy { abs($0 - $1) < 1e-6 })
    }

    @Test func flipsRewritePositionWords() {
        #expect(PositionWords.flip(text: "The vehicle on the top left", axis: .horizontal) == "the vehicle on the top right")
        #expect(PositionWords.flip(text: "the vehicle on the top left", axis: .vertical) == "the vehicle on the bottom left")
        #expect(PositionWords.flip(text: "the ship above the bridge in the upper part", axis: .vertical)
                == "the ship below the bridge in the lower part")
        #expect(PositionWords.flip(text: "the tank in the lower right corner", axis: .horizontal) == "the tank in the lower left corner")
        #expect(PositionWords.flip(text: "the northwest building", axis: .vertical) == "the southwest building")
        let words = Tokenizer.words("the leftmost tank at the bottom right")
        #expect(PositionWords.flip(PositionWords.flip(words, axis: .horizontal), axis: .horizontal) == words)
    }

    @Test func sampleFlipMovesPixelsMaskAndWords() {
        // 3×2 gray-as-RGB image with value 10y + x; target = the right column.
        let pixels = (0..<6).flatMap { i -> [UInt8] in let v = UInt8(10 * (i / 3) + i % 3); return [v, v, v] }
        let s = RRSISSample(id: "s", image: PixelImage(width: 3, height: 2, channels: 3, pixels: pixels),
                            mask: [0, 0, 1, 0, 0, 1], expression: "the car on the right", split: .train, tags: SampleTags())
        let h = s.flipped(.horizontal)
        #expect(h.image.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [2, 1, 0, 12, 11, 10])
        #expect(h.mask == [1, 0, 0, 1, 0, 0])
        #expect(h.expression == "the car on the left")
        let v = s.flipped(.vertical)
        #expect(v.image.pixels.enumerated().filter { $0.offset % 3 == 0 }.map(\.element) == [10, 11, 12, 0, 1, 2])
        #expect(v.mask == s.mask && v.expression == "the car on the right")
    }
}
