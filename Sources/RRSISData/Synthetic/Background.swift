import Foundation

/// Land-cover types of the synthetic backgrounds.
enum LandCover: Int, CaseIterable {
    case vegetation, bareSoil, water, asphalt, urban

    var base: RGB {
        switch self {
        case .vegetation: return RGB(70, 100, 50)
        case .bareSoil: return RGB(150, 125, 95)
        case .water: return RGB(35, 60, 85)
        case .asphalt: return RGB(95, 96, 100)
        case .urban: return RGB(140, 134, 128)
        }
    }

    /// Amplitude (0…255 units) of the coarse and fine texture.
    var texture: (coarse: Float, fine: Float) {
        switch self {
        case .vegetation: return (18, 14)
        case .bareSoil: return (22, 6)
        case .water: return (6, 2)
        case .asphalt: return (6, 5)
        case .urban: return (10, 4)
        }
    }
}

/// Bilinear value noise on a random lattice: smooth random fields for texture.
struct ValueNoise {
    let cell: Double, columns: Int
    var values: [Float]

    init(width: Int, height: Int, cell: Double, rng: inout SeededRandom) {
        self.cell = cell
        columns = Int(Double(width) / cell) + 2
        let rows = Int(Double(height) / cell) + 2
        values = (0..<(columns * rows)).map { _ in Float(rng.uniform(-1, 1)) }
    }

    func sample(_ x: Double, _ y: Double) -> Float {
        let gx = x / cell, gy = y / cell
        let ix = Int(gx), iy = Int(gy)
        let fx = Float(gx - Double(ix)), fy = Float(gy - Double(iy))
        let a = values[iy * columns + ix], b = values[iy * columns + ix + 1]
        let c = values[(iy + 1) * columns + ix], d = values[(iy + 1) * columns + ix + 1]
        return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy
    }
}

/// Paints land-cover regions (a jittered Voronoi partition), an optional road, and texture into `rgb`
/// (`HWC`, 0…255 floats).
enum BackgroundPainter {
    static func paint(into rgb: inout [Float], size: Int, regions: ClosedRange<Int>, rng: inout SeededRandom) {
        let count = rng.int(in: regions)
        var sites: [(x: Double, y: Double, cover: LandCover, tint: RGB)] = []
        for _ in 0..<count {
            let cover = LandCover(rawValue: rng.int(below: LandCover.allCases.count))!
            let tint = RGB(Float(rng.uniform(-12, 12)), Float(rng.uniform(-12, 12)), Float(rng.uniform(-12, 12)))
            sites.append((rng.uniform(0, Double(size)), rng.uniform(0, Double(size)), cover, tint))
        }
        let coarse = ValueNoise(width: size, height: size, cell: Double(size) / 4, rng: &rng)
        let fine = ValueNoise(width: size, height: size, cell: 2.5, rng: &rng)
        let warp = ValueNoise(width: size, height: size, cell: Double(size) / 3, rng: &rng)
        let blockSize = rng.int(in: 4...7)
        let blockShades = (0..<64).map { _ in Float(rng.uniform(-35, 35)) }
        for py in 0..<size {
            for px in 0..<size {
                let x = Double(px) + 0.5, y = Double(py) + 0.5
                // Warped distance makes region borders irregular rather than straight Voronoi edges.
                let w = Double(warp.sample(x, y)) * Double(size) * 0.12
                var best = 0, bestD = Double.infinity
                for (i, s) in sites.enumerated() {
                    let dx = x + w - s.x, dy = y - w - s.y
                    let d = dx * dx + dy * dy
                    if d < bestD { bestD = d; best = i }
                }
                let site = sites[best]
                let amp = site.cover.texture
                var c = site.cover.base + site.tint
                c += RGB(repeating: amp.coarse * coarse.sample(x, y) + amp.fine * fine.sample(x, y))
                if site.cover == .urban {
                    let bx = px / blockSize, by = py / blockSize
                    let gap = px % blockSize == 0 || py % blockSize == 0
                    c += RGB(repeating: gap ? -40 : blockShades[(bx * 7 + by * 3) & 63])
                }
                let o = (py * size + px) * 3
                rgb[o] = c.x; rgb[o + 1] = c.y; rgb[o + 2] = c.z
            }
        }
        if rng.chance(0.6) { paintRoad(into: &rgb, size: size, rng: &rng) }
    }

    /// A straight asphalt road with a dashed centre line, at a random angle and offset.
    static func paintRoad(into rgb: inout [Float], size: Int, rng: inout SeededRandom) {
        let angle = rng.uniform(0, Double.pi)
        let (c, s) = (cos(angle), sin(angle))
        let offset = rng.uniform(-0.35, 0.35) * Double(size)
        let halfWidth = rng.uniform(1.5, 3.0) * Double(size) / 64
        let mid = Double(size) / 2
        for py in 0..<size {
            for px in 0..<size {
                let x = Double(px) + 0.5 - mid, y = Double(py) + 0.5 - mid
                let across = -x * s + y * c - offset
                guard abs(across) <= halfWidth else { continue }
                let along = x * c + y * s
                let dash = abs(across) < 0.5 && Int((along + 100) / 3) % 2 == 0
                let v: Float = dash ? 200 : 85
                let o = (py * size + px) * 3
                rgb[o] = v; rgb[o + 1] = v; rgb[o + 2] = dash ? 190 : 90
            }
        }
    }
}
