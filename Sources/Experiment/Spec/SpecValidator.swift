import Declarations
import RRSISModels

/// Validates a merged spec document against the registry and the section declarations, collecting every
/// problem before giving up, and expands the variants into cells.
public struct SpecValidator {
    public var registry: Registry

    public init(registry: Registry = .standard) { self.registry = registry }

    /// - Parameters:
    ///   - document: the spec after `extends` merging and `--set` overrides.
    ///   - name: the spec's name (its `name` key or file stem, decided by the loader).
    ///   - file: the spec file as the user named it.
    /// - Returns: the validated spec, or every problem found (paths set, files left for the loader).
    public func validate(_ document: JSONValue, name: String, file: String) -> Result<AblationSpec, SpecError> {
        var issues: [SpecIssue] = []
        guard let top = document.objectPairs else {
            return .failure(SpecError(file: file, issues: [SpecIssue(path: "", .wrongType(
                expected: "a JSON object with keys " + SpecSections.topLevelKeys.joined(separator: ", "),
                found: document.typeDescription, value: String(document.jsonText.prefix(40))))]))
        }
        for (key, _) in top where !SpecSections.topLevelKeys.contains(key) {
            issues.append(SpecIssue(path: key, .unknownKey(key: key, section: "the spec", allowed: SpecSections.topLevelKeys,
                                                          suggestion: Suggestion.closest(to: key, in: SpecSections.topLevelKeys))))
        }
        for key in ["name", "description", "extends", "baseline"] {
            if let v = document[key], case .string = v {} else if let v = document[key] {
                issues.append(SpecIssue(path: key, .wrongType(expected: "a string", found: v.typeDescription, value: v.jsonText)))
            }
        }

        if !Self.isSafeName(name) {
            issues.append(SpecIssue(path: "name", .invalidName(name)))
        }
        let dataset = validateDataset(document["dataset"], &issues)
        // The encoder downsamples by 32 over four stages, and the alignment's instance norm needs at least
        // 2×2 pixels at the last one: sizes must be multiples of 32, from 64.
        if let size = dataset?.params.values["imageSize"], case .int(let n) = size, n >= 64, n % 32 != 0 {
            issues.append(SpecIssue(path: "dataset.imageSize", .outOfRange(value: String(n),
                allowed: "a multiple of 32 from 64 (the encoder's last stage is imageSize/32 pixels wide and needs at least 2)")))
        }
        var partialModel = ModelConfig([:])
        let baseModel = validateModel(document["model"], &issues, partial: &partialModel)
        let (trainParams, trainIssues) = ComponentParams.resolve(document["train"], against: SpecSections.train, at: "train", owner: "train")
        issues += trainIssues
        if trainIssues.isEmpty, let warmup = trainParams.values["warmup"], let epochs = trainParams.values["epochs"],
           case .int(let w) = warmup, case .int(let e) = epochs, w > e {
            issues.append(SpecIssue(path: "train.warmup", .outOfRange(value: String(w), allowed: "at most train.epochs (\(e))")))
        }
        let seeds = validateSeeds(document["seeds"], &issues)
        let (reportParams, reportIssues) = ComponentParams.resolve(document["report"], against: SpecSections.report, at: "report", owner: "report")
        issues += reportIssues

        // Expand even when the base model has problems: variant names can still be checked.
        let issuesBeforeVariants = issues.count
        let drafts = VariantExpansion(registry: registry, datasetSection: document["dataset"])
            .expand(document["variants"], base: baseModel ?? partialModel, issues: &issues)
        let variantsOK = !issues[issuesBeforeVariants...].contains { $0.path.hasPrefix("variants") }
        let cellNames = drafts.map(\.name)
        var seen = Set<String>()
        for n in cellNames where !seen.insert(n).inserted {
            issues.append(SpecIssue(path: "variants", .duplicate(what: "variant name", value: n)))
        }
        let baseTrain = trainIssues.isEmpty ? (try? TrainingRecipe(trainParams)) : nil
        // With a broken base section, the cells still resolve against the defaults (so their model rules are checked).
        var cells = resolveCells(drafts, document: document, train: baseTrain ?? Self.defaultRecipe,
                                 dataset: dataset ?? DatasetSpec(kind: .synthetic, params: ComponentParams([:], owner: "dataset")), &issues)
        issues += constraintIssues(base: baseModel, cells: cells, dataset: dataset)
        issues += tokenLengthIssues(base: baseModel, cells: cells)
        var baseline = cellNames.first ?? ""
        if case .string(let b)? = document["baseline"] {
            // A variant crossed with `sweep` values is named by its first crossing (`FIAM` → `FIAM + lr=0.001`).
            baseline = cellNames.contains(b) ? b : drafts.first { $0.variantName == b }?.name ?? b
            if variantsOK, !drafts.isEmpty, !cellNames.contains(baseline) {
                issues.append(SpecIssue(path: "baseline", .unknownBaseline(name: b, cells: cellNames,
                                                                          suggestion: Suggestion.closest(to: b, in: cellNames))))
            }
        }

        let controls = validateControls(document["controls"], &issues)
        for c in controls where cellNames.contains(Self.controlName(c.element)) {
            issues.append(SpecIssue(path: "controls[\(c.offset)]", .duplicate(what: "variant name", value: Self.controlName(c.element))))
        }
        if let base = cells.first(where: { $0.name == baseline }) {
            cells += controls.map { Cell(index: cells.count + ($0.offset), name: Self.controlName($0.element), model: base.model, control: $0.element,
                                         train: base.train, dataset: base.dataset, swept: base.swept) }
        }

        guard issues.isEmpty, let dataset, let baseModel, let seeds,
              let train = baseTrain, let report = try? ReportOptions(reportParams) else {
            return .failure(SpecError(file: file, issues: issues))
        }
        var description: String? = nil
        if case .string(let d)? = document["description"] { description = d }
        return .success(AblationSpec(
            name: name, description: description, file: file,
            specHash: SHA256.hex(CanonicalJSON.render(document)), document: document,
            dataset: dataset, baseModel: baseModel, train: train, seeds: seeds, cells: cells,
            baseline: baseline, report: report))
    }

    /// The cells of `drafts`: each draft's `train.*` and `dataset.*` keys applied to the spec's sections and
    /// resolved as the sections are (a problem is reported at the key that set the value, once per value).
    private func resolveCells(_ drafts: [DraftCell], document: JSONValue, train: TrainingRecipe, dataset: DatasetSpec,
                       _ issues: inout [SpecIssue]) -> [Cell] {
        var resolved: [String: (TrainingRecipe, DatasetSpec)?] = [:]
        var cells: [Cell] = []
        for draft in drafts {
            var sections: (TrainingRecipe, DatasetSpec)? = (train, dataset)
            if !draft.settings.isEmpty {
                let signature = draft.settings.map { "\($0.section).\($0.key)=\($0.value.jsonText)" }.joined(separator: "\n")
                if let known = resolved[signature] {
                    sections = known
                } else {
                    var found: [SpecIssue] = []
                    sections = resolveSections(draft, document: document, variant: draft.name, &found)
                    resolved[signature] = sections
                    for issue in found where !issues.contains(issue) { issues.append(issue) }
                }
            }
            guard let sections else { continue }
            cells.append(Cell(index: cells.count, name: draft.name, model: draft.model, train: sections.0, dataset: sections.1, swept: draft.swept))
        }
        return cells
    }

    /// The spec's `train` and `dataset` sections with `draft`'s settings applied, resolved; nil with problems.
    private func resolveSections(_ draft: DraftCell, document: JSONValue, variant: String, _ issues: inout [SpecIssue]) -> (TrainingRecipe, DatasetSpec)? {
        func merged(_ section: String) -> JSONValue {
            var json = document[section] ?? .object([])
            for s in draft.settings where s.section == section { json = json.setting(s.key, to: s.value) }
            return json
        }
        var found: [SpecIssue] = []
        let (trainParams, trainIssues) = ComponentParams.resolve(merged("train"), against: SpecSections.train, at: "train", owner: "train")
        found += trainIssues
        let dataset = validateDataset(merged("dataset"), &found)
        if let size = dataset?.params.values["imageSize"], case .int(let n) = size, n >= 64, n % 32 != 0 {
            found.append(SpecIssue(path: "dataset.imageSize", .outOfRange(value: String(n), allowed: "a multiple of 32 from 64")))
        }
        let train = trainIssues.isEmpty ? (try? TrainingRecipe(trainParams)) : nil
        if let train, train.warmup > train.epochs {
            found.append(SpecIssue(path: "variants", .constraint(keys: ["train.warmup", "train.epochs"], rule: "train.warmup is at most train.epochs",
                                                                 found: "warmup \(train.warmup) > epochs \(train.epochs)", variant: variant)))
        }
        // Report each problem where the variant set the value.
        issues += found.map { issue in
            guard let setting = draft.settings.first(where: { issue.path == $0.section + "." + $0.key }) else { return issue }
            var located = issue
            located.path = setting.path
            return located
        }
        guard found.isEmpty, let train, let dataset else { return nil }
        return (train, dataset)
    }

    /// The recipe with every default.
    static let defaultRecipe = try! TrainingRecipe(ComponentParams.resolve(nil, against: SpecSections.train, at: "train", owner: "train").0)

    /// Broken declared rules (`ParameterConstraint`) of the base model and of every variant: each distinct
    /// component choice is checked once; a variant's issue names the first variant that has the choice.
    private func constraintIssues(base: ModelConfig?, cells: [Cell], dataset: DatasetSpec?) -> [SpecIssue] {
        var imageSize = dataset?.preparedImageSize
        if (imageSize ?? 0) % 32 != 0 { imageSize = nil }   // a bad size is reported on its own
        let context = ConstraintContext(imageSize: imageSize)
        var issues: [SpecIssue] = []
        var checked = Set<ComponentChoice>()
        for slot in ComponentSlot.allCases {
            if let choice = base?.choices[slot], checked.insert(choice).inserted {
                issues += registry.constraintIssues(of: choice, context, variant: nil)
            }
        }
        for cell in cells {
            for slot in ComponentSlot.allCases {
                if let choice = cell.model.choices[slot], checked.insert(choice).inserted {
                    issues += registry.constraintIssues(of: choice, context, variant: cell.name)
                }
            }
        }
        return issues
    }

    /// The data is tokenised once per spec, at the base model's `model.text.params.maxLength`
    /// (`RunData.forRunning`); a variant whose text encoder expects another length would fail at its
    /// first step (shorter) or silently see fewer tokens than it claims (longer). One issue per length.
    private func tokenLengthIssues(base: ModelConfig?, cells: [Cell]) -> [SpecIssue] {
        guard let baseLength = try? base?.choices[.text]?.params.int("maxLength") else { return [] }
        var reported = Set<Int>()
        return cells.compactMap { cell in
            guard let length = try? cell.model.choices[.text]?.params.int("maxLength"), length != baseLength,
                  reported.insert(length).inserted else { return nil }
            return SpecIssue(path: "variants", .constraint(
                keys: ["model.text.params.maxLength", "variants"],
                rule: "every variant tokenises expressions at the base model's maxLength (the data is prepared once per spec)",
                found: "maxLength \(length) differs from the base model's \(baseLength)", variant: cell.name))
        }
    }

    /// Whether `name` is usable as a results folder name on every platform.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && !name.hasPrefix(".") && name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }

    private func validateDataset(_ json: JSONValue?, _ issues: inout [SpecIssue]) -> DatasetSpec? {
        let kinds = SpecSections.datasets.map(\.name)
        guard let json else {
            issues.append(SpecIssue(path: "dataset", .missingKey(key: "dataset", expected: "{\"name\": one of \(kinds.joined(separator: ", ")), …parameters}")))
            return nil
        }
        guard let pairs = json.objectPairs else {
            issues.append(SpecIssue(path: "dataset", .wrongType(expected: "an object", found: json.typeDescription, value: json.jsonText)))
            return nil
        }
        guard case .string(let kindName)? = json["name"] else {
            issues.append(SpecIssue(path: "dataset.name", .missingKey(key: "name", expected: "one of: " + kinds.joined(separator: ", "))))
            return nil
        }
        guard let kind = DatasetKind(rawValue: kindName) else {
            issues.append(SpecIssue(path: "dataset.name", .unknownChoice(value: kindName, allowed: kinds,
                                                                         suggestion: Suggestion.closest(to: kindName, in: kinds))))
            return nil
        }
        let rest = JSONValue.object(pairs.filter { $0.key != "name" })
        let (params, found) = ComponentParams.resolve(rest, against: kind.parameters, at: "dataset", owner: "dataset \(kindName)")
        // Unknown keys in the dataset section list "name" among the allowed keys too.
        issues += found.map { issue in
            guard case let .unknownKey(key, section, allowed, suggestion) = issue.problem else { return issue }
            return SpecIssue(path: issue.path, .unknownKey(key: key, section: section, allowed: ["name"] + allowed, suggestion: suggestion))
        }
        return found.isEmpty ? DatasetSpec(kind: kind, params: params) : nil
    }

    /// The base model, or `nil` with problems; `partial` receives the slots that did resolve.
    private func validateModel(_ json: JSONValue?, _ issues: inout [SpecIssue], partial: inout ModelConfig) -> ModelConfig? {
        let slots = ComponentSlot.allCases.map(\.rawValue)
        guard let json else {
            issues.append(SpecIssue(path: "model", .missingKey(key: "model", expected: "an object with a component for each of " + slots.joined(separator: ", "))))
            return nil
        }
        guard let pairs = json.objectPairs else {
            issues.append(SpecIssue(path: "model", .wrongType(expected: "an object keyed by slot", found: json.typeDescription, value: json.jsonText)))
            return nil
        }
        for (key, _) in pairs where ComponentSlot(rawValue: key) == nil {
            issues.append(SpecIssue(path: "model." + key, .unknownKey(key: key, section: "model", allowed: slots,
                                                                     suggestion: Suggestion.closest(to: key, in: slots))))
        }
        var choices: [ComponentSlot: ComponentChoice] = [:]
        var complete = true
        for slot in ComponentSlot.allCases {
            guard let choiceJSON = json[slot.rawValue] else {
                complete = false
                issues.append(SpecIssue(path: "model." + slot.rawValue, .missingKey(
                    key: slot.rawValue, expected: "a \(slot.rawValue) component: " + registry.names(for: slot).joined(separator: ", "))))
                continue
            }
            let (choice, found) = registry.resolve(slot, choiceJSON, at: "model." + slot.rawValue)
            issues += found
            if let choice { choices[slot] = choice } else { complete = false }
        }
        partial = ModelConfig(choices)
        return complete ? partial : nil
    }

    private func validateSeeds(_ json: JSONValue?, _ issues: inout [SpecIssue]) -> [Int]? {
        guard let json else {
            issues.append(SpecIssue(path: "seeds", .missingKey(key: "seeds", expected: "a non-empty list of integer seeds, e.g. [0, 1, 2]")))
            return nil
        }
        guard case .array(let items) = json, !items.isEmpty else {
            issues.append(SpecIssue(path: "seeds", .wrongType(expected: "a non-empty list of integer seeds", found: json.typeDescription, value: json.jsonText)))
            return nil
        }
        var seeds: [Int] = []
        var ok = true
        for (i, item) in items.enumerated() {
            guard case .int(let s) = item, s >= 0 else {
                issues.append(SpecIssue(path: "seeds[\(i)]", .wrongType(expected: "a non-negative integer", found: item.typeDescription, value: item.jsonText)))
                ok = false
                continue
            }
            if seeds.contains(s) {
                issues.append(SpecIssue(path: "seeds[\(i)]", .duplicate(what: "seed", value: String(s))))
                ok = false
            }
            seeds.append(s)
        }
        return ok ? seeds : nil
    }
}
