/// One RGB colour in 0…255 floating point, used while rendering.
typealias RGB = SIMD3<Float>

/// What a category's painter puts at one local coordinate: the object itself (part of the instance
/// mask) or its context (shadow, surrounding water, court margin), which changes the picture but not
/// the mask.
struct Paint {
    var rgb: RGB
    var isObject: Bool
}

/// The object categories of the synthetic benchmark, named as in RRSIS-D (whose 20 DIOR-derived
/// classes include all ten). Each has its own shape, texture, colour variants and size range; sizes
/// span 0.2 % to 15 % of the image area (75×), from small vehicles to ground track fields.
public enum SyntheticCategory: Int, CaseIterable, Sendable, Codable {
    case vehicle, chimney, storageTank, ship, airplane, tennisCourt, basketballCourt, bridge,
         groundTrackField, baseballField

    /// The category's name as written in expressions and tags (RRSIS-D spelling).
    public var name: String {
        switch self {
        case .vehicle: return "vehicle"
        case .chimney: return "chimney"
        case .storageTank: return "storage tank"
        case .ship: return "ship"
        case .airplane: return "airplane"
        case .tennisCourt: return "tennis court"
        case .basketballCourt: return "basketball court"
        case .bridge: return "bridge"
        case .groundTrackField: return "ground track field"
        case .baseballField: return "baseball field"
        }
    }

    /// Instance area range as a fraction of the image area.
    public var areaFraction: ClosedRange<Double> {
        switch self {
        case .vehicle: return 0.003...0.009
        case .chimney: return 0.002...0.006
        case .storageTank: return 0.005...0.03
        case .ship: return 0.006...0.03
        case .airplane: return 0.012...0.05
        case .tennisCourt: return 0.015...0.05
        case .basketballCourt: return 0.015...0.045
        case .bridge: return 0.025...0.06
        case .groundTrackField: return 0.06...0.15
        case .baseballField: return 0.05...0.13
        }
    }

    /// Instance area in units of `s²`, where `s` is the painter's size parameter (the half-length for
    /// elongated shapes, the radius for round ones). Closed forms of the shapes below.
    var areaPerSizeSquared: Double {
        switch self {
        case .vehicle: return 1.8            // 2s × 0.9s rectangle
        case .chimney: return .pi            // disc of radius s
        case .storageTank: return .pi
        case .ship: return 0.85              // hull 2s long, 0.5s wide, tapered bow
        case .airplane: return 1.3           // fuselage + swept wings + tail
        case .tennisCourt: return 2.0        // 2s × s
        case .basketballCourt: return 2.2    // 2s × 1.1s
        case .bridge: return 0.52            // 2s × 0.26s deck
        case .groundTrackField: return 2.09  // capsule of half-length s, radius 0.6s
        case .baseballField: return 2.01     // quarter disc of radius 1.6s
        }
    }

    /// Radius (pixels) of a disc around the object's centre containing the object and its context.
    func boundingRadius(_ s: Double) -> Double {
        switch self {
        case .vehicle: return (s * s + (0.45 * s + 1.5) * (0.45 * s + 1.5)).squareRoot() + 0.5
        case .chimney: return 3.5 * s + 1
        case .storageTank: return s + 2
        case .ship: return 1.8 * s + 2
        case .airplane: return 1.25 * s + 1
        case .tennisCourt: return ((s + 2) * (s + 2) + (0.5 * s + 2) * (0.5 * s + 2)).squareRoot()
        case .basketballCourt: return ((s + 2) * (s + 2) + (0.55 * s + 2) * (0.55 * s + 2)).squareRoot()
        case .bridge: return (s * s + (0.63 * s) * (0.63 * s)).squareRoot() + 1
        case .groundTrackField: return s + 1.5
        case .baseballField: return 1.25 * s + 1
        }
    }

    /// Named colour variants; `colourNames[i]` describes variant `i` in expressions.
    public var colourNames: [String] {
        switch self {
        case .vehicle: return ["white", "red", "blue", "black"]
        case .chimney: return ["red", "gray"]
        case .storageTank: return ["white", "gray"]
        case .ship: return ["white", "gray", "red"]
        case .airplane: return ["white", "gray"]
        case .tennisCourt: return ["green", "blue", "red"]
        case .basketballCourt: return ["blue", "orange"]
        case .bridge: return ["gray"]
        case .groundTrackField: return ["red", "blue"]
        case .baseballField: return ["green"]
        }
    }

    /// Main body colour of each variant.
    var palette: [RGB] {
        switch self {
        case .vehicle: return [RGB(225, 225, 222), RGB(180, 40, 35), RGB(40, 70, 170), RGB(30, 30, 32)]
        case .chimney: return [RGB(150, 70, 55), RGB(120, 120, 120)]
        case .storageTank: return [RGB(215, 215, 210), RGB(150, 152, 150)]
        case .ship: return [RGB(230, 230, 228), RGB(140, 140, 145), RGB(170, 50, 40)]
        case .airplane: return [RGB(230, 232, 235), RGB(160, 162, 168)]
        case .tennisCourt: return [RGB(60, 130, 75), RGB(45, 90, 160), RGB(165, 80, 55)]
        case .basketballCourt: return [RGB(55, 95, 170), RGB(200, 120, 60)]
        case .bridge: return [RGB(165, 162, 155)]
        case .groundTrackField: return [RGB(175, 70, 55), RGB(60, 100, 170)]
        case .baseballField: return [RGB(85, 140, 65)]
        }
    }

    /// Whether the same-category instances of the scene can be told apart by relative size (the range
    /// is wide enough for a 2.5× area gap).
    var supportsSizeContrast: Bool { areaFraction.upperBound / areaFraction.lowerBound >= 3 }
}
