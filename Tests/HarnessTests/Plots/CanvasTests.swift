import Testing
@testable import Figures
import RRSISModels

/// Raster primitives: exact alpha blending, polygon coverage by pixel centres, thick lines, clipping.
struct CanvasTests {
    static let blue = RGB(0, 114, 178), vermillion = RGB(213, 94, 0)

    @Test func bandsBlendByTheirAlphaExactly() {
        var canvas = Canvas(width: 10, height: 10)
        canvas.fillPolygon([(2, 2), (6, 2), (6, 6), (2, 6)], Self.blue, alpha: 0.25)
        // 0.25 · c + 0.75 · 255: (0 + 191.25, 28.5 + 191.25, 44.5 + 191.25) → (191, 220, 236).
        #expect(canvas[3, 3] == RGB(191, 220, 236))
        #expect(canvas[2, 2] == RGB(191, 220, 236) && canvas[5, 5] == RGB(191, 220, 236))
        #expect(canvas[1, 3] == .white && canvas[6, 3] == .white && canvas[3, 6] == .white)
        // A second band over the first: 0.5 · (213, 94, 0) + 0.5 · (191, 220, 236) = (202, 157, 118).
        canvas.fillPolygon([(4, 4), (8, 4), (8, 8), (4, 8)], Self.vermillion, alpha: 0.5)
        #expect(canvas[4, 4] == RGB(202, 157, 118))
        // Over white alone: 0.5 · (213, 94, 0) + 127.5 = (234, 175, 128) (x.5 rounds away from zero).
        #expect(canvas[7, 7] == RGB(234, 175, 128))
    }

    @Test func polygonsCoverThePixelsWhoseCentresLieInside() {
        var canvas = Canvas(width: 10, height: 10)
        // Centre (x + 0.5, y + 0.5) is inside the triangle x + y < 8 (the hypotenuse half-open) iff x + y ≤ 6.
        canvas.fillPolygon([(0, 0), (8, 0), (0, 8)], .black)
        for y in 0..<10 {
            for x in 0..<10 { #expect((canvas[x, y] == .black) == (x + y <= 6), "pixel (\(x), \(y))") }
        }
    }

    @Test func thickLinesHaveTheirWidthAndRoundedEnds() {
        var canvas = Canvas(width: 16, height: 12)
        canvas.line(from: (2.5, 5.5), to: (12.5, 5.5), .black, thickness: 3)
        #expect([4, 5, 6].allSatisfy { canvas[7, $0] == .black })
        #expect(canvas[7, 3] == .white && canvas[7, 7] == .white)
        // The centre row runs one pixel past each end; the corners of the end stamps are cut.
        #expect(canvas[1, 5] == .black && canvas[13, 5] == .black && canvas[0, 5] == .white && canvas[14, 5] == .white)
        #expect(canvas[1, 4] == .white && canvas[13, 6] == .white)
    }

    @Test func drawingOutsideIsClipped() {
        var canvas = Canvas(width: 4, height: 4)
        canvas.fillRect(x: -2, y: 2, width: 4, height: 10, .black)
        canvas.line(from: (-10, -10), to: (-3, -3), .black, thickness: 5)
        let black = (0..<16).filter { canvas[$0 % 4, $0 / 4] == .black }
        #expect(black == [8, 9, 12, 13])
    }

    @Test func paletteCyclesAndBlendsAreClamped() {
        #expect(Palette.colour(0) == Self.blue && Palette.colour(Palette.colours.count) == Self.blue)
        #expect(RGB.white.blended(with: .black, alpha: 2) == .black && RGB.white.blended(with: .black, alpha: -1) == .white)
    }
}
