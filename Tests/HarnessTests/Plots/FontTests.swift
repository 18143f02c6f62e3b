import Testing
@testable import Figures
import RRSISModels

/// The embedded font8x8_basic glyphs against hand-drawn bitmaps, and text drawn on a canvas.
struct FontTests {
    /// A glyph as eight strings, `#` = ink, leftmost pixel first.
    static func picture(_ scalar: Unicode.Scalar) -> [String] {
        BitmapFont.glyph(scalar).map { row in String((0..<8).map { row & (1 << $0) != 0 ? "#" : "." }) }
    }

    @Test func glyphsMatchHandDrawnBitmaps() {
        #expect(Self.picture("A") == ["..##....",
                                      ".####...",
                                      "##..##..",
                                      "##..##..",
                                      "######..",
                                      "##..##..",
                                      "##..##..",
                                      "........"])
        #expect(Self.picture("1") == ["..##....",
                                      ".###....",
                                      "..##....",
                                      "..##....",
                                      "..##....",
                                      "..##....",
                                      "######..",
                                      "........"])
        #expect(Self.picture("g") == ["........",
                                      "........",
                                      ".###.##.",
                                      "##..##..",
                                      "##..##..",
                                      ".#####..",
                                      "....##..",
                                      "#####..."])
        #expect(Self.picture(".") == ["........", "........", "........", "........", "........", "..##....", "..##....", "........"])
        #expect(Self.picture(" ") == Array(repeating: "........", count: 8))
    }

    @Test func repertoireIsPrintableASCIIWithFallbacks() {
        #expect(BitmapFont.glyphs.count == 95 * 8)
        #expect(Self.picture("é") == Self.picture("?"))
        #expect(BitmapFont.ascii("mIoU ± std, Δ 0.5 — ok…") == "mIoU +/- std, d 0.5 - ok...")
        #expect(BitmapFont.width("abc", scale: 2) == 48)
    }

    @Test func textPutsInkExactlyOnTheGlyphBitsAtScale() {
        var canvas = Canvas(width: 40, height: 30)
        canvas.text("A1", x: 3, y: 5, .black, scale: 2)
        let glyphs = [Self.picture("A"), Self.picture("1")]
        for y in 0..<30 {
            for x in 0..<40 {
                // Pixel (x, y) shows glyph k's bit (col, row) when it lies in that glyph's 16×16 box.
                let (u, v) = (x - 3, y - 5)
                var ink = false
                if u >= 0, v >= 0, u < 32, v < 16 {
                    let k = u / 16, col = (u % 16) / 2, row = v / 2
                    ink = Array(glyphs[k][row])[col] == "#"
                }
                #expect(canvas[x, y] == (ink ? RGB.black : RGB.white), "pixel (\(x), \(y))")
            }
        }
    }

    @Test func alignmentAnchorsTheTextBox() {
        var canvas = Canvas(width: 60, height: 20)
        // "T" right-aligned at x = 50 and centred on y = 10: its box is x 42..<50, y 6..<14; its top row is 0x3F.
        canvas.text("T", x: 50, y: 10, .black, align: .trailing, valign: .center)
        #expect((42..<48).allSatisfy { canvas[$0, 6] == .black })
        #expect(canvas[48, 6] == .white && canvas[41, 6] == .white && canvas[44, 5] == .white)
    }

    @Test func verticalTextReadsBottomToTop() {
        var canvas = Canvas(width: 20, height: 20)
        // One glyph turned anticlockwise, centred on (10, 10): glyph row r is canvas column 6 + r, glyph column c
        // is canvas row 13 - c.
        canvas.verticalText("L", x: 10, y: 10, .black)
        let l = Self.picture("L")
        for r in 0..<8 {
            for c in 0..<8 {
                #expect(canvas[6 + r, 13 - c] == (Array(l[r])[c] == "#" ? RGB.black : RGB.white), "glyph bit (\(c), \(r))")
            }
        }
    }

    @Test func wrapBreaksAtSpacesAndCutsLongWords() {
        #expect(BitmapFont.wrap("the storage tank located at the center", maxWidth: 80)
                == ["the", "storage", "tank", "located at", "the center"])
        #expect(BitmapFont.wrap("abcdefghijkl xy", maxWidth: 40) == ["abcde", "fghij", "kl xy"])
        #expect(BitmapFont.wrap("short", maxWidth: 160, scale: 2) == ["short"])
        #expect(BitmapFont.wrap("", maxWidth: 80) == [""])
    }
}
