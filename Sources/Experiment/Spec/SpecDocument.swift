import Declarations
import RRSISModels

/// Spec-aware transformations of a spec document, applied by the loader before `--set` and validation.
enum SpecDocument {
    /// Writes every component choice given as a bare name (`"scale": "tmem"`) in `model` and in each row's
    /// `model` as `{"name": "tmem"}`, so `--set model.scale.params.blocks=2` works on a shorthand spec and
    /// both spellings hash alike.
    static func normaliseChoices(_ document: JSONValue) -> JSONValue {
        var doc = document
        if let model = doc["model"] { doc = doc.setting("model", to: normaliseSlots(model)) }
        if let variants = doc["variants"], case .array(let rows)? = variants["rows"] {
            let normalised = rows.map { row in row["model"].map { row.setting("model", to: normaliseSlots($0)) } ?? row }
            doc = doc.setting("variants", to: variants.setting("rows", to: .array(normalised)))
        }
        return doc
    }

    private static func normaliseSlots(_ model: JSONValue) -> JSONValue {
        guard let pairs = model.objectPairs else { return model }
        return .object(pairs.map { pair in
            if case .string = pair.value, ComponentSlot(rawValue: pair.key) != nil { return (pair.key, .object([("name", pair.value)])) }
            return pair
        })
    }

    /// The `extends` merge: `JSONValue.merged`, except that a model slot whose override names a different
    /// component replaces the inherited choice instead of merging into it (so a Swin's `heads` never leak
    /// into a ResNet).
    static func merge(_ parent: JSONValue, with own: JSONValue) -> JSONValue {
        var base = parent
        if let baseModel = parent["model"], let ownModel = own["model"]?.objectPairs {
            var model = baseModel
            for (slot, choice) in ownModel {
                if case .string(let name)? = choice["name"], case .string(let inherited)? = baseModel[slot]?["name"], name != inherited {
                    model = model.removing(slot)
                }
            }
            base = base.setting("model", to: model)
        }
        return base.merged(with: own)
    }
}
