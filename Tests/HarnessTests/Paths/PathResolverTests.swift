import Testing
@testable import Experiment
import RRSISModels

struct PathResolverTests {
    @Test func exactPathsAreKeptAndOthersMatchCaseInsensitively() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/fiam_vs_coarse.json", "{}")
        #expect(try PathResolver.resolve("Ablations/fiam_vs_coarse.json", relativeTo: dir.path) == "Ablations/fiam_vs_coarse.json")
        #expect(try PathResolver.resolve("ablations/fiam_vs_coarse.json", relativeTo: dir.path) == "Ablations/fiam_vs_coarse.json")
        #expect(try PathResolver.resolve("ABLATIONS/FIAM_VS_COARSE.JSON", relativeTo: dir.path) == "Ablations/fiam_vs_coarse.json")
        #expect(try PathResolver.resolve(dir.path + "/ablations/fiam_vs_coarse.json") == dir.path + "/Ablations/fiam_vs_coarse.json")
    }

    @Test func missingAndAmbiguousComponentsAreExplained() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/smoke.json", "{}")
        #expect(throws: PathResolver.Failure.notFound(path: "ablations/smok.json", component: "smok.json", directory: "Ablations", suggestion: "smoke.json")) {
            _ = try PathResolver.resolve("ablations/smok.json", relativeTo: dir.path)
        }
        try dir.write("Ablations/Smoke.JSON", "{}")
        #expect(throws: PathResolver.Failure.ambiguous(path: "ablations/SMOKE.json", candidates: ["Ablations/Smoke.JSON", "Ablations/smoke.json"])) {
            _ = try PathResolver.resolve("ablations/SMOKE.json", relativeTo: dir.path)
        }
    }

    @Test(arguments: [("a/./b/../c", "a/c"), ("/x/y/..", "/x"), ("../a", nil), ("a/../..", nil)] as [(String, String?)])
    func normalise(path: String, expected: String?) {
        #expect(PathResolver.normalise(path) == expected)
    }
}
