import Declarations
import RRSISModels

/// A variant before its `train` and `dataset` sections are resolved: its model, the section keys it sets,
/// and the name it had before `sweep` crossed it with other values (what `baseline` may name).
struct DraftCell {
    var name: String
    var model: ModelConfig
    var settings: [SectionSetting] = []
    var swept: [SweptValue] = []
    /// The row's or grid cell's name, before `sweep` labels were appended.
    var variantName: String
}

/// A `train.*` or `dataset.*` value a variant sets, and where the spec wrote it (for messages).
struct SectionSetting {
    /// `train` or `dataset`.
    var section: String
    var key: String
    var value: JSONValue
    var path: String
}

/// Expands a spec's `variants` into cells.
///
/// - `{"rows": [{"name": "FIAM w/o spatial", "model": {"alignment": {"name": "fiam", "params": {"spatial": false}}}, "train": {"lr": 1e-3}}, …]}`:
///   one cell per row, in order; a row's slot replaces the base model's choice for that slot wholesale; its
///   `train` and `dataset` keys replace the spec's.
/// - `{"grid": {"model.alignment": ["coarse", "fiam"], "train.lr": [3e-4, 1e-3]}, "exclude": [{"alignment": "coarse"}]}`:
///   the cartesian product in row-major order over the grid's keys (first key varies slowest). A key is a
///   slot (`alignment` or `model.alignment`), a component parameter (`model.alignment.params.spatial`), or a
///   `train.*` / `dataset.*` key. A value may be written `{"value": …, "label": …}` (a component choice takes
///   `label` beside its name) for its display label. A cell is excluded when, for every slot an `exclude`
///   entry names, the cell's choice has that name and the parameters the entry gives.
/// - `"sweep": {key: [values…]}` beside `rows` or `grid` (and what `--set key=a,b` adds): every variant is
///   crossed with these values, its name followed by their labels.
struct VariantExpansion {
    let registry: Registry
    /// The spec's `dataset` section as written (names the parameters `dataset.*` keys may set).
    var datasetSection: JSONValue? = nil

    func expand(_ json: JSONValue?, base: ModelConfig, issues: inout [SpecIssue]) -> [DraftCell] {
        let forms = "{\"rows\": [{\"name\": …, \"model\": {…}}, …]} or {\"grid\": {key: [values…]}, \"exclude\": […]}"
        guard let json else {
            issues.append(SpecIssue(path: "variants", .missingKey(key: "variants", expected: forms)))
            return []
        }
        guard let pairs = json.objectPairs else {
            issues.append(SpecIssue(path: "variants", .wrongType(expected: forms, found: json.typeDescription, value: json.jsonText)))
            return []
        }
        let allowed = ["rows", "grid", "exclude", "sweep"]
        for (key, _) in pairs where !allowed.contains(key) {
            issues.append(SpecIssue(path: "variants." + key, .unknownKey(key: key, section: "variants", allowed: allowed,
                                                                        suggestion: Suggestion.closest(to: key, in: allowed))))
        }
        var drafts: [DraftCell] = []
        switch (json["rows"], json["grid"]) {
        case let (rows?, nil):
            if json["exclude"] != nil {
                issues.append(SpecIssue(path: "variants.exclude", .noVariants(reason: "\"exclude\" applies to a grid only; leave out the rows you don't want.")))
            }
            drafts = expandRows(rows, base: base, issues: &issues)
        case let (nil, grid?):
            drafts = expandGrid(grid, exclude: json["exclude"], base: base, issues: &issues)
        case (_?, _?):
            issues.append(SpecIssue(path: "variants", .noVariants(reason: "give either \"rows\" or \"grid\", not both (to replace an inherited one, set it to null; to cross rows with values, use \"sweep\").")))
        case (nil, nil):
            issues.append(SpecIssue(path: "variants", .missingKey(key: "rows", expected: forms)))
        }
        if let sweep = json["sweep"], sweep != .null {
            drafts = crossed(drafts, with: sweep, issues: &issues)
        }
        return drafts
    }

    private func expandRows(_ json: JSONValue, base: ModelConfig, issues: inout [SpecIssue]) -> [DraftCell] {
        guard case .array(let rows) = json, !rows.isEmpty else {
            issues.append(SpecIssue(path: "variants.rows", .wrongType(expected: "a non-empty list of rows", found: json.typeDescription, value: json.jsonText)))
            return []
        }
        let rowKeys = ["name", "model", "train", "dataset"]
        var cells: [DraftCell] = []
        for (i, row) in rows.enumerated() {
            let path = "variants.rows[\(i)]"
            guard let pairs = row.objectPairs else {
                issues.append(SpecIssue(path: path, .wrongType(expected: "{\"name\": …, \"model\": {…}}", found: row.typeDescription, value: row.jsonText)))
                continue
            }
            for (key, _) in pairs where !rowKeys.contains(key) {
                issues.append(SpecIssue(path: path + "." + key, .unknownKey(key: key, section: "a row", allowed: rowKeys,
                                                                           suggestion: Suggestion.closest(to: key, in: rowKeys))))
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
            var draft = DraftCell(name: name, model: model, variantName: name)
            for section in ["train", "dataset"] {
                guard let value = row[section] else { continue }
                guard let entries = value.objectPairs else {
                    issues.append(SpecIssue(path: path + "." + section, .wrongType(expected: "an object of \(section) keys", found: value.typeDescription, value: value.jsonText)))
                    continue
                }
                for (key, v) in entries {
                    guard let axis = axisKey(section + "." + key, at: path + "." + section + "." + key, &issues) else { continue }
                    apply(axis, value: v, to: &draft, at: path + "." + section + "." + key, issues: &issues)
                }
            }
            cells.append(draft)
        }
        return cells
    }

    private func expandGrid(_ json: JSONValue, exclude: JSONValue?, base: ModelConfig, issues: inout [SpecIssue]) -> [DraftCell] {
        guard let axes = json.objectPairs, !axes.isEmpty else {
            issues.append(SpecIssue(path: "variants.grid", .wrongType(expected: "an object mapping keys (slots, train.*, dataset.*, …) to lists of values",
                                                                      found: json.typeDescription, value: json.jsonText)))
            return []
        }
        let parsed = parseAxes(axes, at: "variants.grid", &issues)
        let matchers = parseExclude(exclude, issues: &issues)
        let cells = product(parsed, from: [DraftCell(name: "", model: base, variantName: "")], issues: &issues)
            .filter { cell in !matchers.contains(where: { m in m.allSatisfy { cell.model.choices[$0.key]?.matches($0.value) ?? false } }) }
            .map { cell -> DraftCell in var c = cell; c.variantName = c.name; return c }
        if cells.isEmpty, exclude != nil, !issues.contains(where: { $0.path.hasPrefix("variants.grid") }) {
            issues.append(SpecIssue(path: "variants.exclude", .noVariants(reason: "\"exclude\" removes every cell of the grid.")))
        }
        return cells
    }

    /// Every draft crossed with the `sweep` axes, its name followed by their labels.
    private func crossed(_ drafts: [DraftCell], with json: JSONValue, issues: inout [SpecIssue]) -> [DraftCell] {
        guard let axes = json.objectPairs, !axes.isEmpty else {
            issues.append(SpecIssue(path: "variants.sweep", .wrongType(expected: "an object mapping keys (train.lr, model.alignment, …) to lists of values",
                                                                       found: json.typeDescription, value: json.jsonText)))
            return drafts
        }
        return product(parseAxes(axes, at: "variants.sweep", &issues), from: drafts, issues: &issues)
    }

    /// One axis of a grid or sweep: what it sets, and its values with their display labels.
    struct Axis {
        var key: AxisKey
        var path: String
        /// Values with their labels; a slot's values resolved once here (nil when the value has problems).
        var options: [(value: JSONValue, label: String, choice: ComponentChoice?)]
    }

    /// What a grid, sweep or row key sets.
    enum AxisKey: Equatable {
        /// The component in a slot (`alignment`, `model.alignment`).
        case slot(ComponentSlot)
        /// One parameter of the slot's component (`model.alignment.params.spatial`).
        case parameter(ComponentSlot, String)
        /// A `train.*` or `dataset.*` key.
        case section(String, String)

        /// The dotted key as tables show it.
        var dotted: String {
            switch self {
            case .slot(let s): return "model." + s.rawValue
            case let .parameter(s, p): return "model.\(s.rawValue).params.\(p)"
            case let .section(section, key): return section + "." + key
            }
        }
    }

    private func parseAxes(_ axes: [(key: String, value: JSONValue)], at section: String, _ issues: inout [SpecIssue]) -> [Axis] {
        var out: [Axis] = []
        for (key, value) in axes {
            let path = section + "." + key
            guard let axisKey = axisKey(key, at: path, &issues) else { continue }
            guard case .array(let items) = value, !items.isEmpty else {
                issues.append(SpecIssue(path: path, .wrongType(expected: "a non-empty list of values for \(key)", found: value.typeDescription, value: value.jsonText)))
                continue
            }
            if out.contains(where: { $0.key == axisKey }) {
                issues.append(SpecIssue(path: path, .duplicate(what: "swept key", value: axisKey.dotted)))
                continue
            }
            var options: [(JSONValue, String, ComponentChoice?)] = []
            for item in items {
                var label: String? = nil
                var itemValue = item
                if case .string(let l)? = item["label"] {
                    label = l
                    if case .slot = axisKey { itemValue = item.removing("label") } else { itemValue = item["value"] ?? item.removing("label") }
                } else if case .slot = axisKey {} else if let v = item["value"], item.objectPairs?.count == 1 {
                    itemValue = v
                }
                var choice: ComponentChoice? = nil
                if case .slot(let slot) = axisKey {
                    let (resolved, found) = registry.resolve(slot, itemValue, at: "\(path)[\(options.count)]")
                    issues += found
                    choice = resolved
                    label = label ?? resolved.map { $0.label(against: registry.declaration(slot, $0.name)) } ?? itemValue.jsonText
                }
                options.append((itemValue, label ?? defaultLabel(axisKey, itemValue), choice))
            }
            out.append(Axis(key: axisKey, path: path, options: options))
        }
        return out
    }

    /// `lr=0.001`, `spatial=false`.
    private func defaultLabel(_ key: AxisKey, _ value: JSONValue) -> String {
        let name: String
        switch key {
        case .slot(let slot): name = slot.rawValue
        case let .parameter(_, p), let .section(_, p): name = p
        }
        if case .string(let s) = value { return "\(name)=\(s)" }
        return "\(name)=\(value.jsonText)"
    }

    /// `drafts` × every option of every axis, row-major (the first axis varies slowest), labels joined by " + ".
    private func product(_ axes: [Axis], from drafts: [DraftCell], issues: inout [SpecIssue]) -> [DraftCell] {
        var cells = drafts
        for axis in axes {
            var next: [DraftCell] = []
            for cell in cells {
                for (i, option) in axis.options.enumerated() {
                    var c = cell
                    c.name = c.name.isEmpty ? option.label : c.name + " + " + option.label
                    if case .slot(let slot) = axis.key {
                        // Resolved (and its problems reported) once, in `parseAxes`.
                        if let choice = option.choice { c.model.choices[slot] = choice }
                        next.append(c)
                        continue
                    }
                    // Problems of a value are reported once, for its first cell.
                    var found: [SpecIssue] = []
                    apply(axis.key, value: option.value, to: &c, at: "\(axis.path)[\(i)]", issues: &found)
                    for issue in found where !issues.contains(issue) { issues.append(issue) }
                    next.append(c)
                }
            }
            cells = next
        }
        return cells
    }

    /// Sets one key of `draft` to `value`.
    private func apply(_ key: AxisKey, value: JSONValue, to draft: inout DraftCell, at path: String, issues: inout [SpecIssue]) {
        switch key {
        case .slot(let slot):
            let (choice, found) = registry.resolve(slot, value, at: path)
            issues += found
            if let choice { draft.model.choices[slot] = choice }
            return
        case let .parameter(slot, name):
            guard let current = draft.model.choices[slot] else { return }
            let params = current.params.json.setting(name, to: value)
            let (choice, found) = registry.resolve(slot, .object([("name", .string(current.name)), ("params", params)]), at: path)
            issues += found.map { var issue = $0; issue.path = path; return issue }
            if var choice { choice.initFile = current.initFile; choice.initHash = current.initHash; draft.model.choices[slot] = choice }
        case let .section(section, name):
            draft.settings.removeAll { $0.section == section && $0.key == name }
            draft.settings.append(SectionSetting(section: section, key: name, value: value, path: path))
        }
        draft.swept.removeAll { $0.key == key.dotted }
        let text: String
        if case .string(let s) = value { text = s } else { text = value.jsonText }
        draft.swept.append(SweptValue(key: key.dotted, value: text))
    }

    /// The axis a grid, sweep or row key names, or nil after reporting it (naming the allowed forms).
    private func axisKey(_ key: String, at path: String, _ issues: inout [SpecIssue]) -> AxisKey? {
        let parts = key.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let trainKeys = SpecSections.train.map(\.name).filter { !SpecSections.nonResultTrainKeys.contains($0) }
        let datasetKeys = datasetParameterNames
        switch parts.count {
        case 1:
            if let slot = ComponentSlot(rawValue: key) { return .slot(slot) }
        case 2 where parts[0] == "model":
            if let slot = ComponentSlot(rawValue: parts[1]) { return .slot(slot) }
        case 2 where parts[0] == "train" && trainKeys.contains(parts[1]):
            return .section("train", parts[1])
        case 2 where parts[0] == "train" && SpecSections.nonResultTrainKeys.contains(parts[1]):
            issues.append(SpecIssue(path: path, .invalidOverride(text: key, reason:
                "train.\(parts[1]) decides what is kept on disk, not what is computed: every value would make the same runs; set it once for the spec")))
            return nil
        case 2 where parts[0] == "dataset" && datasetKeys.contains(parts[1]):
            return .section("dataset", parts[1])
        case 4 where parts[0] == "model" && parts[2] == "params":
            if let slot = ComponentSlot(rawValue: parts[1]) { return .parameter(slot, parts[3]) }
        default:
            break
        }
        let allowed = ComponentSlot.allCases.map { "model." + $0.rawValue } + ["model.<slot>.params.<parameter>"]
            + trainKeys.map { "train." + $0 } + datasetKeys.map { "dataset." + $0 }
        issues.append(SpecIssue(path: path, .unknownKey(key: key, section: "the keys a variant may vary", allowed: allowed,
                                                       suggestion: Suggestion.closest(to: key, in: allowed + ComponentSlot.allCases.map(\.rawValue)))))
        return nil
    }

    /// Parameters of the spec's dataset kind (every kind's, when the section names none).
    private var datasetParameterNames: [String] {
        if case .string(let name)? = datasetSection?["name"], let kind = DatasetKind(rawValue: name) { return kind.parameters.map(\.name) }
        var names: [String] = []
        for kind in DatasetKind.allCases { for p in kind.parameters where !names.contains(p.name) { names.append(p.name) } }
        return names
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
