import Declarations
import RRSISModels

/// Expands a spec's `variants` into cells.
///
/// - `{"rows": [{"name": "FIAM w/o spatial", "model": {"alignment": {"name": "fiam", "params": {"spatial": false}}}}, …]}`:
///   one cell per row, in order; a row's slot replaces the base model's choice for that slot wholesale.
/// - `{"grid": {"alignment": ["coarse", "fiam"], "scale": ["none", "tmem"]}, "exclude": [{"alignment": "coarse", "scale": "tmem"}]}`:
///   the cartesian product in row-major order over the grid's keys (first key varies slowest). A grid
///   value may carry a display `label`. A cell is excluded when, for every slot an `exclude` entry names,
///   the cell's choice has that name and the parameters the entry gives.
struct VariantExpansion {
    let registry: Registry

    func expand(_ json: JSONValue?, base: ModelConfig, issues: inout [SpecIssue]) -> [Cell] {
        let forms = "{\"rows\": [{\"name\": …, \"model\": {…}}, …]} or {\"grid\": {slot: [components…]}, \"exclude\": […]}"
        guard let json else {
            issues.append(SpecIssue(path: "variants", .missingKey(key: "variants", expected: forms)))
            return []
        }
        guard let pairs = json.objectPairs else {
            issues.append(SpecIssue(path: "variants", .wrongType(expected: forms, found: json.typeDescription, value: json.jsonText)))
            return []
        }
        let allowed = ["rows", "grid", "exclude"]
        for (key, _) in pairs where !allowed.contains(key) {
            issues.append(SpecIssue(path: "variants." + key, .unknownKey(key: key, section: "variants", allowed: allowed,
                                                                        suggestion: Suggestion.closest(to: key, in: allowed))))
        }
        switch (json["rows"], json["grid"]) {
        case let (rows?, nil):
            if json["exclude"] != nil {
                issues.append(SpecIssue(path: "variants.exclude", .noVariants(reason: "\"exclude\" applies to a grid only; leave out the rows you don't want.")))
            }
            return expandRows(rows, base: base, issues: &issues)
        case let (nil, grid?):
            return expandGrid(grid, exclude: json["exclude"], base: base, issues: &issues)
        case (_?, _?):
            issues.append(SpecIssue(path: "variants", .noVariants(reason: "give either \"rows\" or \"grid\", not both (to replace an inherited one, set it to null).")))
        case (nil, nil):
            issues.append(SpecIssue(path: "variants", .missingKey(key: "rows", expected: forms)))
        }
        return []
    }

    private func expandRows(_ json: JSONValue, base: ModelConfig, issues: inout [SpecIssue]) -> [Cell] {
        guard case .array(let rows) = json, !rows.isEmpty else {
            issues.append(SpecIssue(path: "variants.rows", .wrongType(expected: "a non-empty list of rows", found: json.typeDescription, value: json.jsonText)))
            return []
        }
        var cells: [Cell] = []
        for (i, row) in rows.enumerated() {
            let path = "variants.rows[\(i)]"
            guard let pairs = row.objectPairs else {
                issues.append(SpecIssue(path: path, .wrongType(expected: "{\"name\": …, \"model\": {…}}", found: row.typeDescription, value: row.jsonText)))
                continue
            }
            for (key, _) in pairs where !["name", "model"].contains(key) {
                issues.append(SpecIssue(path: path + "." + key, .unknownKey(key: key, section: "a row", allowed: ["name", "model"],
                                                                           suggestion: Suggestion.closest(to: key, in: ["name", "model"]))))
            }
            guard case .string(let name)? = row["name"], !name.isEmpty else {
                issues.append(SpecIssue(path: path + ".name", .missingKey(key: "name", expected: "the row's display name (a non-empty string)")))
                continue
            }
            var model = base
            if let overrides = row["model"] {
                guard let slots = overrides.objectPairs else {
                    issues.append(SpecIssue(path: path + ".model", .wrongType(expected: "an object keyed by slot", found: overrides.typeDescription, value: overrides.jsonText)))
                    continue
                }
                for (key, value) in slots {
                    guard let slot = slotNamed(key, at: path + ".model." + key, &issues) else { continue }
                    let (choice, found) = registry.resolve(slot, value, at: path + ".model." + key)
                    issues += found
                    if let choice { model.choices[slot] = choice }
                }
            }
            // A row whose model has problems still counts as a variant, so its name can be checked (baseline,
            // duplicates) without cascading errors; the spec as a whole is rejected anyway.
            cells.append(Cell(index: cells.count, name: name, model: model))
        }
        return cells
    }

    private func expandGrid(_ json: JSONValue, exclude: JSONValue?, base: ModelConfig, issues: inout [SpecIssue]) -> [Cell] {
        guard let axes = json.objectPairs, !axes.isEmpty else {
            issues.append(SpecIssue(path: "variants.grid", .wrongType(expected: "an object mapping slots to lists of components",
                                                                      found: json.typeDescription, value: json.jsonText)))
            return []
        }
        var resolved: [(slot: ComponentSlot, options: [(choice: ComponentChoice, label: String)])] = []
        for (key, value) in axes {
            let path = "variants.grid." + key
            guard let slot = slotNamed(key, at: path, &issues) else { continue }
            guard case .array(let items) = value, !items.isEmpty else {
                issues.append(SpecIssue(path: path, .wrongType(expected: "a non-empty list of \(key) components", found: value.typeDescription, value: value.jsonText)))
                continue
            }
            var options: [(ComponentChoice, String)] = []
            for (i, item) in items.enumerated() {
                var label: String? = nil
                var choiceJSON = item
                if case .string(let l)? = item["label"] { label = l; choiceJSON = item.removing("label") }
                let (choice, found) = registry.resolve(slot, choiceJSON, at: "\(path)[\(i)]")
                issues += found
                if let choice { options.append((choice, label ?? choice.label(against: registry.declaration(slot, choice.name)))) }
            }
            resolved.append((slot, options))
        }
        let matchers = parseExclude(exclude, issues: &issues)
        var cells: [Cell] = []
        func product(_ axis: Int, _ model: ModelConfig, _ labels: [String]) {
            guard axis < resolved.count else {
                if !matchers.contains(where: { m in m.allSatisfy { model.choices[$0.key]?.matches($0.value) ?? false } }) {
                    cells.append(Cell(index: cells.count, name: labels.joined(separator: " + "), model: model))
                }
                return
            }
            for option in resolved[axis].options {
                var m = model
                m.choices[resolved[axis].slot] = option.choice
                product(axis + 1, m, labels + [option.label])
            }
        }
        product(0, base, [])
        if cells.isEmpty, !resolved.isEmpty, resolved.allSatisfy({ !$0.options.isEmpty }) {
            issues.append(SpecIssue(path: "variants.exclude", .noVariants(reason: "\"exclude\" removes every cell of the grid.")))
        }
        return cells
    }

    /// An exclude entry: slot → (name, partial params).
    typealias Matcher = [ComponentSlot: (name: String, params: [String: ParameterValue])]

    private func parseExclude(_ json: JSONValue?, issues: inout [SpecIssue]) -> [Matcher] {
        guard let json else { return [] }
        guard case .array(let entries) = json else {
            issues.append(SpecIssue(path: "variants.exclude", .wrongType(expected: "a list of {slot: component} objects", found: json.typeDescription, value: json.jsonText)))
            return []
        }
        var matchers: [Matcher] = []
        for (i, entry) in entries.enumerated() {
            let path = "variants.exclude[\(i)]"
            guard let pairs = entry.objectPairs, !pairs.isEmpty else {
                issues.append(SpecIssue(path: path, .wrongType(expected: "an object such as {\"alignment\": \"coarse\"}", found: entry.typeDescription, value: entry.jsonText)))
                continue
            }
            var matcher: Matcher = [:]
            var complete = true
            for (key, value) in pairs {
                guard let slot = slotNamed(key, at: path + "." + key, &issues) else { complete = false; continue }
                // Resolve for validation; keep only the parameters the entry names.
                let (choice, found) = registry.resolve(slot, value, at: path + "." + key)
                issues += found
                guard let choice else { complete = false; continue }
                let named = Set(value["params"]?.objectPairs?.map(\.key) ?? [])
                matcher[slot] = (choice.name, choice.params.values.filter { named.contains($0.key) })
            }
            // An entry with problems matches nothing (rather than everything).
            if complete { matchers.append(matcher) }
        }
        return matchers
    }

    private func slotNamed(_ key: String, at path: String, _ issues: inout [SpecIssue]) -> ComponentSlot? {
        if let slot = ComponentSlot(rawValue: key) { return slot }
        let slots = ComponentSlot.allCases.map(\.rawValue)
        issues.append(SpecIssue(path: path, .unknownKey(key: key, section: "the slots", allowed: slots, suggestion: Suggestion.closest(to: key, in: slots))))
        return nil
    }
}

extension ComponentChoice {
    func matches(_ m: (name: String, params: [String: ParameterValue])) -> Bool {
        name == m.name && m.params.allSatisfy { params.values[$0.key] == $0.value }
    }
}
