/// A reference point for the decoder's resolution: the **stride-s head ceiling**. The LAVT decoder predicts
/// two logits per cell of a map `stride` times coarser than the image and upsamples them bilinearly with
/// aligned corners; the prediction is the argmax. Whatever such a head learns, its foreground is
/// `{p : up(d)(p) > 0}` for a coarse map `d` of logit differences. This scores one family of such maps, the
/// target's **coverage** (the fraction of each cell's pixels the target covers) less a threshold, with the
/// threshold chosen per sample to maximise IoU: what a perfectly grounded model that outputs each cell's
/// coverage reaches. It bounds the true ceiling from below (another coarse map may do better on a given
/// mask), so a high figure says the head's resolution does not limit, a low one that it may.
public enum HeadCeiling {
    /// The intersection and union, in image pixels, of the best thresholded coverage map of `mask`
    /// (`height × width`, row-major, nonzero = target) at `stride`. The coarse map has ⌈height/stride⌉ ×
    /// ⌈width/stride⌉ cells (a partial edge cell's coverage counts the pixels it has). Exact: every threshold
    /// that changes the prediction is tried, and among equal IoUs the smaller prediction wins. An empty mask
    /// scores (0, 0), an IoU of 0 under the evaluation's convention (so do sizes that do not describe `mask`).
    public static func best(mask: [UInt8], height: Int, width: Int, stride: Int) -> (intersection: Int, union: Int) {
        guard height > 0, width > 0, stride > 0, mask.count == height * width else { return (0, 0) }
        let h = (height + stride - 1) / stride, w = (width + stride - 1) / stride
        var covered = [Double](repeating: 0, count: h * w), pixels = [Double](repeating: 0, count: h * w)
        var targetCount = 0
        for y in 0..<height {
            for x in 0..<width {
                let cell = (y / stride) * w + x / stride
                pixels[cell] += 1
                if mask[y * width + x] != 0 { covered[cell] += 1; targetCount += 1 }
            }
        }
        guard targetCount > 0 else { return (0, 0) }
        let coverage = zip(covered, pixels).map { $0 / $1 }
        let values = upsampledAlignedCorners(coverage, h: h, w: w, height: height, width: width)

        // Sweep the thresholds from the top: the prediction grows one level of equal values at a time.
        let order = values.indices.sorted { values[$0] > values[$1] }
        var best = (intersection: 0, union: targetCount), bestIoU = 0.0
        var predicted = 0, hits = 0, i = 0
        while i < order.count {
            let level = values[order[i]]
            while i < order.count && values[order[i]] == level {
                predicted += 1
                if mask[order[i]] != 0 { hits += 1 }
                i += 1
            }
            let union = predicted + targetCount - hits
            let iou = Double(hits) / Double(union)
            if iou > bestIoU { bestIoU = iou; best = (hits, union) }
        }
        return best
    }

    /// Bilinear upsampling of an `h × w` map to `height × width` with aligned corners (PyTorch's
    /// `interpolate(..., mode: "bilinear", align_corners: True)`, as the LAVT decoder's last step).
    static func upsampledAlignedCorners(_ map: [Double], h: Int, w: Int, height: Int, width: Int) -> [Double] {
        func source(_ i: Int, _ n: Int, _ out: Int) -> (Int, Int, Double) {
            guard n > 1, out > 1 else { return (0, 0, 0) }
            let s = Double(i) * Double(n - 1) / Double(out - 1)
            let lo = min(Int(s), n - 1)
            return (lo, min(lo + 1, n - 1), s - Double(lo))
        }
        var out = [Double](repeating: 0, count: height * width)
        for y in 0..<height {
            let (y0, y1, wy) = source(y, h, height)
            for x in 0..<width {
                let (x0, x1, wx) = source(x, w, width)
                let top = map[y0 * w + x0] * (1 - wx) + map[y0 * w + x1] * wx
                let bottom = map[y1 * w + x0] * (1 - wx) + map[y1 * w + x1] * wx
                out[y * width + x] = top * (1 - wy) + bottom * wy
            }
        }
        return out
    }
}

extension SyntheticGenerator {
    /// The stride-`stride` head ceiling (`HeadCeiling`) on sample `index` of `split`: intersection and union
    /// with the sample's target mask, in image pixels, and the sample's tags. The scene is the one
    /// `sample(_:split:index:)` makes.
    public static func headCeiling(_ config: SyntheticConfig, split: Split, index: Int, stride: Int)
        -> (intersection: Int, union: Int, tags: SampleTags) {
        let (id, scene, render) = composed(config, split: split, index: index)
        let r = HeadCeiling.best(mask: render.mask, height: config.imageSize, width: config.imageSize, stride: stride)
        return (r.intersection, r.union, scene.sample(id: id, split: split, config: config, render: render).tags)
    }
}
