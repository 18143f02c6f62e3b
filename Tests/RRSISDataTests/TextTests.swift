import Foundation
import Testing
@testable import RRSISData

@Suite struct TextTests {
    @Test func tokenizerLowercasesAndSplitsPunctuation() {
        #expect(Tokenizer.words("The Storage-Tank, on the TOP left!") == ["the", "storage", "tank", "on", "the", "top", "left"])
        #expect(Tokenizer.words("  plane's   2nd  ") == ["plane", "s", "2nd"])
        #expect(Tokenizer.words("...") == [])
    }

    @Test func vocabularyOrderIsFrequencyThenAlphabetical() throws {
        let v = Vocabulary(building: ["the tank", "The car", "a tank"], reserved: [])
        #expect(v.tokens == ["<pad>", "<unk>", "tank", "the", "a", "car"])
        let e = v.encode("the big tank", maxLength: 5)
        #expect(e.ids == [3, 1, 2, 0, 0])
        #expect(e.paddingMask == [1, 1, 1, 0, 0])
        #expect(v.encode("a tank the car tank", maxLength: 3).ids == [4, 2, 3])   // truncated to L
    }

    @Test func reservedFlipWordsAreAlwaysPresent() {
        let v = Vocabulary(building: ["the tank on the left"])
        #expect(v.id("right") != Vocabulary.unkID && v.id("southeast") != Vocabulary.unkID)
        let h = v.flipTable(.horizontal), vt = v.flipTable(.vertical)
        #expect(h[Int(v.id("left"))] == v.id("right") && h[Int(v.id("right"))] == v.id("left"))
        #expect(h[Int(v.id("tank"))] == v.id("tank") && h[0] == 0)
        #expect(vt[Int(v.id("upper"))] == v.id("lower") && vt[Int(v.id("left"))] == v.id("left"))
    }

    @Test func vocabularySaveLoadRoundTrip() throws {
        let dir = temporaryDirectory("vocab")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("vocabulary.json")
        let v = Vocabulary(building: ["the ship near the bridge", "a ship"])
        try v.save(to: url)
        #expect(try Vocabulary.load(from: url) == v)
        try Data("[1, 2]".utf8).write(to: url)
        guard case .malformedRecord(let p, 1, _)? = dataError({ _ = try Vocabulary.load(from: url) }) else {
            Issue.record("expected malformedRecord"); return
        }
        #expect(p == url.path)
    }
}
