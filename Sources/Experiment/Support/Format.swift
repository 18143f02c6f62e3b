import Foundation

/// Number formatting shared by reports and the planner: fixed decimals, durations.
public enum Format {
    /// `x` with exactly `decimals` digits after the point (`fixed(71.2345, 2)` → `"71.23"`); "—" if not finite.
    public static func fixed(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "—" }
        let s = String(format: "%.\(decimals)f", x)
        // "-0.00" reads as a sign error in a table.
        return s.hasPrefix("-") && s.dropFirst().allSatisfy { $0 == "0" || $0 == "." } ? String(s.dropFirst()) : s
    }

    /// A signed fixed-decimal delta: `+1.25`, `-0.40`, `+0.00`.
    public static func signed(_ x: Double, _ decimals: Int) -> String {
        let s = fixed(x, decimals)
        return s.hasPrefix("-") || s == "—" ? s : "+" + s
    }

    /// A duration for people: `42 s`, `3 min 20 s`, `2 h 05 min`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "—" }
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        let m = (s % 3600) / 60
        return "\(s / 3600) h \(m < 10 ? "0" : "")\(m) min"
    }
}
