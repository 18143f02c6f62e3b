import Foundation

/// Per-category shape and texture. Coordinates are local pixels: `x` along the object's long axis,
/// `y` across it, origin at the object's centre; `s` is the size parameter of `SyntheticCategory`.
extension SyntheticCategory {
    func paint(x: Double, y: Double, s: Double, variant: Int) -> Paint? {
        let body = palette[variant % palette.count]
        let white = RGB(235, 235, 232), shadow = RGB(25, 28, 30)
        switch self {
        case .vehicle:
            let hw = 0.45 * s
            if abs(x) <= s && abs(y) <= hw {
                if x > 0.25 * s && x < 0.55 * s { return Paint(rgb: body * 0.45, isObject: true) } // windshield
                if x < -0.6 * s { return Paint(rgb: body * 0.8, isObject: true) }               // rear
                return Paint(rgb: body, isObject: true)
            }
            if abs(x) <= s && y > hw && y <= hw + 1.5 { return Paint(rgb: shadow, isObject: false) }
            return nil
        case .chimney:
            let r = (x * x + y * y).squareRoot()
            if r <= s { return Paint(rgb: r < 0.5 * s ? RGB(20, 20, 20) : body, isObject: true) }
            // Long shadow cast along +x (the painter is rotated to the scene's sun direction).
            if x > 0 && x < 3.5 * s && abs(y) < 0.6 * s { return Paint(rgb: shadow, isObject: false) }
            return nil
        case .storageTank:
            let r = (x * x + y * y).squareRoot()
            if r <= s {
                if r > s - 1 { return Paint(rgb: body * 0.7, isObject: true) }                  // rim
                let light = Float(1.0 - 0.25 * (x + y) / (2 * s))                                // dome
                return Paint(rgb: body * light, isObject: true)
            }
            let sx = x - 1.2, sy = y - 1.2
            if (sx * sx + sy * sy).squareRoot() <= s + 0.5 { return Paint(rgb: shadow, isObject: false) }
            return nil
        case .ship:
            let hw = 0.25 * s
            let taper = x < 0.4 * s ? 1.0 : max(0, (s - x) / (0.6 * s))
            if abs(x) <= s && abs(y) <= hw * taper {
                if abs(y) < 0.3 * hw && x > -0.7 * s && x < 0.3 * s { return Paint(rgb: body * 0.7, isObject: true) }
                return Paint(rgb: body, isObject: true)
            }
            let water = RGB(30, 55, 80)
            if x < -s && x > -1.8 * s && abs(y) < hw * (1 + (-s - x) / s) { return Paint(rgb: RGB(95, 120, 140), isObject: false) }
            if abs(x) <= 1.8 * s && abs(y) <= hw + 2 { return Paint(rgb: water, isObject: false) }
            return nil
        case .airplane:
            let fuselage = abs(x) <= s && abs(y) <= 0.12 * s
            let ay = abs(y)
            let wing = ay <= 0.95 * s && x >= -0.15 * s - 0.3 * ay && x <= 0.2 * s - 0.3 * ay
            let tail = x >= -s && x <= -0.8 * s && ay <= 0.35 * s
            if fuselage || wing || tail {
                return Paint(rgb: fuselage && x > 0.85 * s ? body * 0.6 : body, isObject: true)
            }
            return nil
        case .tennisCourt, .basketballCourt:
            let hw = (self == .tennisCourt ? 0.5 : 0.55) * s
            if abs(x) <= s && abs(y) <= hw {
                let border = abs(x) > s - 1 || abs(y) > hw - 1
                let centre = abs(x) < 0.5
                let circle = self == .basketballCourt && abs((x * x + y * y).squareRoot() - 0.3 * hw) < 0.5
                let service = self == .tennisCourt && abs(abs(x) - 0.5 * s) < 0.5
                return Paint(rgb: border || centre || circle || service ? white : body, isObject: true)
            }
            if abs(x) <= s + 2 && abs(y) <= hw + 2 { return Paint(rgb: RGB(120, 140, 110), isObject: false) }
            return nil
        case .bridge:
            let hw = 0.13 * s
            if abs(x) <= s && abs(y) <= hw {
                if abs(y) > hw - 1 { return Paint(rgb: body * 0.6, isObject: true) }              // railings
                if abs(y) < 0.5 && Int((x + s) / 2) % 2 == 0 { return Paint(rgb: white, isObject: true) }
                return Paint(rgb: body, isObject: true)
            }
            if abs(x) < 0.6 * s && abs(y) <= hw + 0.5 * s { return Paint(rgb: RGB(35, 60, 85), isObject: false) }
            return nil
        case .groundTrackField:
            let r = 0.6 * s, half = s - r
            let dx = max(abs(x) - half, 0)
            let d = (dx * dx + y * y).squareRoot()
            guard d <= r else { return nil }
            let track = max(1.5, 0.16 * s)
            if d > r - track { return Paint(rgb: body, isObject: true) }
            if d > r - track - 0.8 { return Paint(rgb: white, isObject: true) }
            return Paint(rgb: RGB(70, 140, 70), isObject: true)
        case .baseballField:
            let ax = x + 0.7 * s
            let r = (ax * ax + y * y).squareRoot()
            guard ax >= 0, abs(y) <= ax, r <= 1.6 * s else { return nil }
            if r > 1.6 * s - 1 { return Paint(rgb: RGB(160, 120, 80), isObject: true) }           // warning track
            if abs(ax - 0.5 * s) + abs(y) <= 0.5 * s { return Paint(rgb: RGB(175, 130, 90), isObject: true) } // infield
            return Paint(rgb: body, isObject: true)
        }
    }
}
