extension Registry {
    /// Human-readable catalogue for `ablate list`: every slot, its components with their docs and
    /// parameters (type, default, admissible values, doc).
    public func listing() -> String {
        var lines: [String] = []
        for slot in ComponentSlot.allCases {
            let decls = declarations(for: slot)
            guard !decls.isEmpty else { continue }
            lines.append("\(slot.rawValue):")
            for d in decls {
                lines.append("  \(d.name) — \(d.doc)")
                if d.parameters.isEmpty { lines.append("      (no parameters)") }
                for p in d.parameters {
                    let def = p.defaultValue.map { "default \($0)" } ?? "required"
                    lines.append("      \(p.name): \(p.type.expectation); \(def) — \(p.doc)")
                }
                for c in d.constraints { lines.append("      rule: \(c.rule)") }
            }
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
