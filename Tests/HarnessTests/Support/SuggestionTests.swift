import Testing
@testable import Declarations
import RRSISModels

struct SuggestionTests {
    @Test(arguments: [
        ("epochz", "epochs", 1),      // substitution
        ("epocs", "epochs", 1),       // deletion
        ("fiam", "faim", 1),          // adjacent transposition counts 1 (Levenshtein would say 2)
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("LR", "lr", 0),              // case-insensitive
    ])
    func distance(a: String, b: String, expected: Int) {
        #expect(Suggestion.distance(a, b) == expected)
    }

    @Test func closestPicksPlausibleTypos() {
        let keys = ["epochs", "batchSize", "lr", "weightDecay", "warmup", "checkpoint", "evalEvery"]
        #expect(Suggestion.closest(to: "epochz", in: keys) == "epochs")
        #expect(Suggestion.closest(to: "weightdecay", in: keys) == "weightDecay")
        #expect(Suggestion.closest(to: "batch", in: keys) == "batchSize")   // unique prefix
        #expect(Suggestion.closest(to: "seed", in: keys) == nil)            // nothing close
        #expect(Suggestion.closest(to: "fiamm", in: ["coarse", "fiam"]) == "fiam")
    }
}
