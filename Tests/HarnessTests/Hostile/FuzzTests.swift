import Foundation
import RRSISData
import Testing
@testable import Declarations
@testable import Experiment
@testable import Runner
import RRSISModels

/// Random mutations of valid inputs, seeded and bounded in time: the spec loader and the PNG reader may
/// reject them (with their typed errors) but must never crash or hang.
@Suite struct FuzzTests {
    static let budget = 2.5   // seconds per fuzz test

    @Test func specLoaderSurvivesMutatedSpecs() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try dir.write("Ablations/base.json", HostileWorkspace.validSpec)
        let valid = [UInt8](#"{"extends": "base.json", "train": {"epochs": 2, "lr": 3e-4}, "seeds": [0, 1], "variants": {"grid": {"alignment": ["coarse", "fiam"]}}, "baseline": "coarse"}"#.utf8)
        let file = URL(fileURLWithPath: dir.path + "/Ablations/fuzz.json")
        let loader = SpecLoader(workingDirectory: dir.path)
        var random = FuzzRandom(state: 0x5EED_0001)
        var tried = 0, rejected = 0
        let start = now()
        while now() - start < Self.budget {
            let base = random.below(2) == 0 ? valid : [UInt8](HostileWorkspace.validSpec.utf8)
            try Data(random.mutate(base)).write(to: file)
            tried += 1
            do { _ = try loader.load("Ablations/fuzz.json") } catch is SpecError { rejected += 1 }
        }
        #expect(tried > 50)
        #expect(rejected > 0)
    }

    @Test func pngReaderSurvivesMutatedFiles() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        var random = FuzzRandom(state: 0x5EED_0002)
        let pixels = (0..<(16 * 12 * 3)).map { _ in UInt8(truncatingIfNeeded: random.next()) }
        let valid = [UInt8](try PNGCodec.encode(PixelImage(width: 16, height: 12, channels: 3, pixels: pixels)))
        let file = URL(fileURLWithPath: dir.path + "/fuzz.png")
        var tried = 0, rejected = 0
        let start = now()
        while now() - start < Self.budget {
            try Data(random.mutate(valid)).write(to: file)
            tried += 1
            do {
                let image = try PNGCodec.read(file)
                #expect(image.pixels.count == image.width * image.height * image.channels)
            } catch is DataError { rejected += 1 }
        }
        #expect(tried > 50)
        #expect(rejected > 0)
    }
}
