/// Values from outside a component that its constraints may read.
public struct ConstraintContext: Hashable, Sendable {
    /// Side of the square images the model sees, in pixels (`dataset.imageSize`; real datasets without the
    /// key are prepared at 64). `nil` when unknown (then rules that need it are not checked).
    public var imageSize: Int?

    public init(imageSize: Int?) { self.imageSize = imageSize }
}

/// A rule between parameters that their ranges alone cannot express (attention heads must divide a width),
/// declared next to the parameters in the component's declaration. The validator checks every rule of
/// every chosen component for the base model and each variant, so a spec that validates builds and runs
/// without tripping a model's precondition; `ablate list` prints the rules.
public struct ParameterConstraint: Sendable, Equatable, CustomStringConvertible {
    /// The parameters involved: the component's own names, or a dotted path from the spec's root for a
    /// value from another section (`dataset.imageSize`).
    public var keys: [String]
    /// The rule, as a sentence a researcher reads ("heads must divide dim").
    public var rule: String
    /// What breaks the rule, as a phrase naming the values found; `nil` when it holds.
    let violation: @Sendable (ComponentParams, ConstraintContext) -> String?

    public init(keys: [String], rule: String, violation: @escaping @Sendable (ComponentParams, ConstraintContext) -> String?) {
        self.keys = keys; self.rule = rule; self.violation = violation
    }

    /// What breaks the rule for `params`, or `nil` when it holds (or a value it reads is missing).
    public func check(_ params: ComponentParams, _ context: ConstraintContext) -> String? { violation(params, context) }

    public var description: String { rule }

    public static func == (a: ParameterConstraint, b: ParameterConstraint) -> Bool { a.keys == b.keys && a.rule == b.rule }

    /// Integer `divisor` divides integer `dividend` (e.g. attention heads and the width they split).
    public static func divides(_ divisor: String, _ dividend: String) -> ParameterConstraint {
        ParameterConstraint(keys: [divisor, dividend], rule: "\(divisor) must divide \(dividend)") { p, _ in
            guard let d = try? p.int(divisor), let n = try? p.int(dividend), d > 0 else { return nil }
            return n % d == 0 ? nil : "\(divisor) \(d) does not divide \(dividend) \(n)"
        }
    }

    /// Each entry of the list `divisor` divides the same entry of the list `dividend` (per stage).
    public static func dividesEach(_ divisor: String, _ dividend: String) -> ParameterConstraint {
        ParameterConstraint(keys: [divisor, dividend], rule: "each entry of \(divisor) must divide the same entry of \(dividend) (stage by stage)") { p, _ in
            guard let ds = try? p.ints(divisor), let ns = try? p.ints(dividend) else { return nil }
            for (i, (d, n)) in zip(ds, ns).enumerated() where d > 0 && n % d != 0 {
                return "at stage \(i + 1), \(divisor) \(d) does not divide \(dividend) \(n) (\(divisor) \(ds.jsonList), \(dividend) \(ns.jsonList))"
            }
            return nil
        }
    }

    /// A square attention window of `window` tokens must tile each stage map wider than it: stage maps are
    /// `imageSize/4`, `/8`, `/16` and `/32` tokens wide (a map no wider than the window is one window).
    /// With `unless` (a choice parameter and one of its values), the rule holds only when that parameter has
    /// another value (a backbone that pads its maps to a window multiple needs no tiling).
    public static func windowTilesStageMaps(_ window: String, unless exemption: (key: String, value: String)? = nil) -> ParameterConstraint {
        ParameterConstraint(keys: [window, "dataset.imageSize"],
                            rule: "\(window) must divide the side of every stage map wider than it (imageSize/4, /8, /16, /32)"
                                + (exemption.map { " unless \($0.key) is \"\($0.value)\"" } ?? "")) { p, context in
            if let exemption, (try? p.string(exemption.key)) == exemption.value { return nil }
            guard let w = try? p.int(window), w > 0, let size = context.imageSize else { return nil }
            let sides = [4, 8, 16, 32].map { size / $0 }
            guard let bad = sides.first(where: { $0 > w && $0 % w != 0 }) else { return nil }
            return "\(window) \(w) does not divide the \(bad)-token stage map of \(size)-pixel images (stage maps \(sides.jsonList))"
        }
    }
}

extension Array where Element == Int {
    /// `[1, 2, 4]`, as the spec writes it.
    var jsonList: String { "[" + map(String.init).joined(separator: ", ") + "]" }
}

extension Registry {
    /// Every broken rule of `choice`'s declaration, as (rule, what was found), in declaration order.
    public func violations(of choice: ComponentChoice, _ context: ConstraintContext) -> [(constraint: ParameterConstraint, found: String)] {
        guard let declaration = declaration(choice.slot, choice.name) else { return [] }
        return declaration.constraints.compactMap { c in c.check(choice.params, context).map { (c, $0) } }
    }

    /// The spec issues of `model`'s broken rules; keys are written as full spec paths
    /// (`model.backbone.params.heads`, `dataset.imageSize`), the issue placed at the first key (base model)
    /// or at `variants` naming the variant.
    public func constraintIssues(of choice: ComponentChoice, _ context: ConstraintContext, variant: String?) -> [SpecIssue] {
        violations(of: choice, context).map { c, found in
            let keys = c.keys.map { $0.contains(".") ? $0 : "model.\(choice.slot.rawValue).params.\($0)" }
            return SpecIssue(path: variant == nil ? keys[0] : "variants", .constraint(keys: keys, rule: c.rule, found: found, variant: variant))
        }
    }
}
