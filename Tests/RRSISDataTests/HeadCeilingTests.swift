import Testing
import TensorEngine
@testable import RRSISData

/// The stride-s head ceiling (README, "Reference points"): cases computed by hand, the upsampling against the
/// engine's `interpolate`, and the threshold sweep against a brute-force search.
struct HeadCeilingTests {
    private func mask(_ size: Int, _ pixels: [(Int, Int)]) -> [UInt8] {
        var m = [UInt8](repeating: 0, count: size * size)
        for (y, x) in pixels { m[y * size + x] = 1 }
        return m
    }

    /// 8×8 image, stride 4, so a 2×2 coarse map; aligned corners map cell (i, j) onto pixel (7i, 7j).
    @Test func casesComputedByHand() {
        // The whole image: coverage 1 everywhere.
        #expect(HeadCeiling.best(mask: [UInt8](repeating: 1, count: 64), height: 8, width: 8, stride: 4) == (64, 64))
        // The left half: coverage 1 | 0, upsampled along x to 1, 6/7, …, 1/7, 0; a threshold between 4/7 and
        // 3/7 gives it back exactly.
        let left = mask(8, (0..<8).flatMap { y in (0..<4).map { (y, $0) } })
        #expect(HeadCeiling.best(mask: left, height: 8, width: 8, stride: 4) == (32, 32))
        // One pixel at the corner: cell (0, 0) has coverage 1/16, which lands exactly on pixel (0, 0) and
        // decreases away from it, so the pixel alone is predictable.
        #expect(HeadCeiling.best(mask: mask(8, [(0, 0)]), height: 8, width: 8, stride: 4) == (1, 1))
        // One pixel at (3, 3), inside the same cell: up(p) = (7−y)(7−x)/(16·49) peaks at the corner, so any
        // prediction holding (3, 3) holds every pixel with (7−y)(7−x) ≥ 16: 5+5+4+4+2 = 20; IoU 1/20.
        #expect(HeadCeiling.best(mask: mask(8, [(3, 3)]), height: 8, width: 8, stride: 4) == (1, 20))
        // Stride 1 reproduces any mask.
        let diagonal = mask(8, (0..<8).map { ($0, $0) })
        #expect(HeadCeiling.best(mask: diagonal, height: 8, width: 8, stride: 1) == (8, 8))
        // Nothing to find: the evaluation's empty union.
        #expect(HeadCeiling.best(mask: mask(8, []), height: 8, width: 8, stride: 4) == (0, 0))
    }

    @Test func upsamplingIsTheEnginesAlignedCornersBilinear() throws {
        var rng = SeededRandom(seed: 7, salt: 1, index: 0)
        for (h, w, height, width) in [(4, 4, 16, 16), (3, 5, 12, 20), (2, 2, 8, 8), (1, 3, 4, 12)] {
            let map = (0..<(h * w)).map { _ in rng.uniform() }
            let ours = HeadCeiling.upsampledAlignedCorners(map, h: h, w: w, height: height, width: width)
            let engine = interpolate(Tensor(shape: [1, 1, h, w], data: map.map(Float.init)), size: (height, width),
                                     mode: .bilinear, alignCorners: true)
            let theirs = try engine.validated().scalars
            #expect(zip(ours, theirs).allSatisfy { abs($0 - Double($1)) < 1e-6 }, "\(h)×\(w) → \(height)×\(width)")
        }
    }

    /// The sweep equals trying every threshold (each distinct upsampled value, and one above them all) on
    /// random blobs, including image sizes the stride does not divide.
    @Test func sweepEqualsBruteForce() {
        var rng = SeededRandom(seed: 11, salt: 2, index: 0)
        for trial in 0..<40 {
            let size = [8, 10, 16, 13][trial % 4], stride = [4, 4, 2, 4][trial % 4]
            let cy = Int(rng.uniform() * Double(size)), cx = Int(rng.uniform() * Double(size))
            let r = 0.5 + rng.uniform() * 3
            var m = [UInt8](repeating: 0, count: size * size)
            for y in 0..<size { for x in 0..<size where Double((y - cy) * (y - cy) + (x - cx) * (x - cx)) <= r * r { m[y * size + x] = 1 } }
            let fast = HeadCeiling.best(mask: m, height: size, width: size, stride: stride)
            let slow = bruteForce(m, size: size, stride: stride)
            #expect(fast == slow, "trial \(trial)")
        }
    }

    private func bruteForce(_ m: [UInt8], size: Int, stride: Int) -> (intersection: Int, union: Int) {
        let h = (size + stride - 1) / stride
        var coverage = [Double](repeating: 0, count: h * h)
        for cy in 0..<h {
            for cx in 0..<h {
                var n = 0, c = 0
                for y in (cy * stride)..<min(size, (cy + 1) * stride) {
                    for x in (cx * stride)..<min(size, (cx + 1) * stride) { n += 1; c += Int(m[y * size + x]) }
                }
                coverage[cy * h + cx] = Double(c) / Double(n)
            }
        }
        let up = HeadCeiling.upsampledAlignedCorners(coverage, h: h, w: h, height: size, width: size)
        let target = m.filter { $0 != 0 }.count
        var best = (intersection: 0, union: target), bestIoU = 0.0
        for t in Set(up).sorted(by: >) {
            let i = zip(up, m).filter { $0.0 >= t && $0.1 != 0 }.count
            let u = up.filter { $0 >= t }.count + target - i
            if Double(i) / Double(u) > bestIoU { bestIoU = Double(i) / Double(u); best = (i, u) }
        }
        return best
    }

    /// On the generator's scenes the ceiling never exceeds a perfect prediction and stride 1 is one.
    @Test func generatorScenes() throws {
        var config = SyntheticConfig(); config.trainCount = 1; config.valCount = 1; config.testCount = 30
        for i in 0..<30 {
            let four = SyntheticGenerator.headCeiling(config, split: .test, index: i, stride: 4)
            let one = SyntheticGenerator.headCeiling(config, split: .test, index: i, stride: 1)
            #expect(one.intersection == one.union && one.union > 0)
            #expect(four.intersection <= four.union && four.intersection <= one.intersection)
        }
    }
}
