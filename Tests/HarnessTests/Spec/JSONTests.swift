import Testing
@testable import Declarations
import RRSISModels

struct JSONParserTests {
    @Test func keepsKeyOrderAndTellsIntegersFromNumbers() throws {
        let v = try JSONParser.parse(#"{"b": 1, "a": 1.0, "c": 1e-3, "d": [true, null, "x"], "e": -0}"#)
        #expect(v.objectPairs?.map(\.key) == ["b", "a", "c", "d", "e"])
        #expect(v["b"] == .int(1))
        #expect(v["a"] == .double(1.0))
        #expect(v["c"] == .double(0.001))
        #expect(v["d"] == .array([.bool(true), .null, .string("x")]))
        #expect(v["e"] == .int(0))
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let v = try JSONParser.parse(#""a\"b\\c\/\n\u00e9\ud83d\ude00""#)
        #expect(v == .string("a\"b\\c/\né😀"))
    }

    @Test(arguments: [
        ("{\n  \"a\": 1,\n}", 3, 1, "expected a quoted key"),
        ("{\"a\": 1 \"b\": 2}", 1, 9, "expected ',' or '}'"),
        ("{\"a\": 1, \"a\": 2}", 1, 10, "duplicate key \"a\""),
        ("[01]", 1, 2, "leading zeros"),
        ("{\"a\": tru}", 1, 7, "invalid literal"),
        ("[1] x", 1, 5, "unexpected text after"),
    ])
    func syntaxErrorsPointAtLineAndColumn(text: String, line: Int, column: Int, fragment: String) {
        #expect {
            _ = try JSONParser.parse(text)
        } throws: { error in
            guard let e = error as? JSONParser.SyntaxError else { return false }
            return e.line == line && e.column == column && e.message.contains(fragment)
        }
    }
}

struct CanonicalJSONTests {
    @Test func sortsKeysAndNormalisesNumbers() throws {
        let a = try JSONParser.parse(#"{"lr": 1e-3, "b": {"y": 2, "x": [1, 2.50]}, "a": "q\"\n"}"#)
        #expect(CanonicalJSON.render(a) == #"{"a":"q\"\n","b":{"x":[1,2.5],"y":2},"lr":0.001}"#)
        let b = try JSONParser.parse(#"{"a": "q\"\n", "lr": 0.0010, "b": {"x": [1, 2.5], "y": 2}}"#)
        #expect(CanonicalJSON.render(a) == CanonicalJSON.render(b))
    }

    @Test func numberForms() {
        #expect(CanonicalJSON.number(2) == "2.0")
        #expect(CanonicalJSON.number(-0.0) == "0.0")
        #expect(CanonicalJSON.number(1e-5) == "1e-05")
        #expect(CanonicalJSON.number(.nan) == "null")
    }

    @Test func controlCharactersAreEscaped() {
        #expect(CanonicalJSON.quote("a\u{01}b\t") == "\"a\\u0001b\\t\"")
    }
}

struct MergeTests {
    @Test func objectsMergeDeeplyOtherValuesReplaceNullRemoves() throws {
        let base = try JSONParser.parse(#"{"train": {"epochs": 10, "lr": 0.001}, "seeds": [0, 1, 2], "variants": {"rows": [1]}}"#)
        let over = try JSONParser.parse(#"{"train": {"epochs": 2}, "seeds": [7], "variants": {"rows": null, "grid": {}}}"#)
        let merged = base.merged(with: over)
        #expect(CanonicalJSON.render(merged) == #"{"seeds":[7],"train":{"epochs":2,"lr":0.001},"variants":{"grid":{}}}"#)
    }
}
