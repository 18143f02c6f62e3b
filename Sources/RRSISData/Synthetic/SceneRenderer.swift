import Foundation

/// Renders a composed scene: background, objects (largest first), illumination and sensor noise; and
/// derives the target mask from the per-pixel instance labels (only visible target pixels count).
enum SceneRenderer {
    struct Output {
        var image: PixelImage
        var mask: [UInt8]
        /// Per pixel, the index in `scene.objects` of the visible instance, or −1 (background, context).
        var instances: [Int8]
    }

    /// `nil` when `strict` and the target (or, for position samples, a distractor) is mostly hidden.
    static func render(_ scene: ComposedScene, config: SyntheticConfig, rng: inout SeededRandom, strict: Bool) -> Output? {
        let size = config.imageSize
        var rgb = [Float](repeating: 0, count: size * size * 3)
        var label = [Int8](repeating: -1, count: size * size)
        BackgroundPainter.paint(into: &rgb, size: size, regions: config.backgroundRegions, rng: &rng)

        var painted = [Int](repeating: 0, count: scene.objects.count)
        let order = scene.objects.indices.sorted { scene.objects[$0].radius > scene.objects[$1].radius || (scene.objects[$0].radius == scene.objects[$1].radius && $0 < $1) }
        for i in order {
            painted[i] = paint(scene.objects[i], label: Int8(i), rgb: &rgb, labels: &label, size: size)
        }
        var visible = [Int](repeating: 0, count: scene.objects.count)
        for l in label where l >= 0 { visible[Int(l)] += 1 }
        if strict {
            guard visible[0] >= 3, Double(visible[0]) >= 0.85 * Double(painted[0]) else { return nil }
            if scene.kind == .position || scene.kind == .relative {
                for i in scene.objects.indices.dropFirst() where scene.objects[i].category == scene.objects[0].category {
                    guard Double(visible[i]) >= 0.6 * Double(painted[i]) else { return nil }
                }
            }
        }
        // Scene-wide illumination (gain and colour cast) and per-pixel noise: no fixed colour or
        // brightness identifies objects.
        let gain = Float(rng.uniform(0.85, 1.15))
        let cast = RGB(Float(rng.uniform(-8, 8)), Float(rng.uniform(-8, 8)), Float(rng.uniform(-8, 8)))
        let sigma = Float(config.noise)
        var pixels = [UInt8](repeating: 0, count: size * size * 3)
        for p in 0..<(size * size) {
            // One 64-bit draw → three 21-bit uniforms; their centred sum has variance 1/4.
            let r = rng.next()
            let u = Float(r & 0x1F_FFFF) + Float((r >> 21) & 0x1F_FFFF) + Float((r >> 42) & 0x1F_FFFF)
            let n = (u / Float(0x1F_FFFF) - 1.5) * 2 * sigma
            for c in 0..<3 {
                let v = (rgb[p * 3 + c] + cast[c]) * gain + n
                pixels[p * 3 + c] = UInt8(max(0, min(255, v.rounded())))
            }
        }
        let mask = label.map { $0 == 0 ? UInt8(1) : 0 }
        return Output(image: PixelImage(width: size, height: size, channels: 3, pixels: pixels), mask: mask, instances: label)
    }

    /// Paints one object; returns how many instance pixels it painted.
    static func paint(_ o: SceneObject, label: Int8, rgb: inout [Float], labels: inout [Int8], size: Int) -> Int {
        let r = o.radius
        let x0 = max(0, Int(o.x - r)), x1 = min(size - 1, Int(o.x + r))
        let y0 = max(0, Int(o.y - r)), y1 = min(size - 1, Int(o.y + r))
        guard x0 <= x1, y0 <= y1 else { return 0 }
        let (c, s) = (cos(o.angle), sin(o.angle))
        var count = 0
        for py in y0...y1 {
            for px in x0...x1 {
                let dx = Double(px) + 0.5 - o.x, dy = Double(py) + 0.5 - o.y
                guard let paint = o.category.paint(x: dx * c + dy * s, y: -dx * s + dy * c, s: o.s, variant: o.variant) else {
                    continue
                }
                let i = py * size + px
                rgb[i * 3] = paint.rgb.x; rgb[i * 3 + 1] = paint.rgb.y; rgb[i * 3 + 2] = paint.rgb.z
                labels[i] = paint.isObject ? label : -1
                if paint.isObject { count += 1 }
            }
        }
        return count
    }
}
