import Declarations
import Foundation
import NN
import TensorEngine

/// A model slot's weights inside a whole segmenter's state, by PyTorch-style dotted name: what `"init":
/// "path.safetensors"` loads into one slot.
///
/// - `text`, `scale`, `decoder`: the names under `text.`, `scale.`, `decoder.`.
/// - `backbone`: the names under `backbone.` except the alignment modules the backbone hosts (`.align.`).
/// - `alignment`: the alignment modules of every stage (`backbone.stages.<i>.align.…`).
///
/// A file may hold a whole segmenter (a checkpoint `ablate` kept: only the slot's names are read from it) or
/// the slot's module alone with names relative to its prefix (`patchEmbed.weight` for the backbone, as the
/// pretraining artifacts are written).
public enum SlotCheckpoint {
    /// Whether `name` (a segmenter state name) belongs to `slot`.
    public static func belongs(_ name: String, to slot: ComponentSlot) -> Bool {
        let aligned = name.contains(".align.")
        switch slot {
        case .alignment: return name.hasPrefix("backbone.") && aligned
        case .backbone: return name.hasPrefix("backbone.") && !aligned
        default: return name.hasPrefix(slot.rawValue + ".")
        }
    }

    /// The segmenter's tensors that belong to `slot`, with their full names.
    public static func tensors(of model: Segmenter, slot: ComponentSlot) -> [(name: String, tensor: Tensor)] {
        model.stateTensors().filter { belongs($0.name, to: slot) }
    }

    /// Copies the slot's weights from the safetensors file at `url` into `model`.
    /// - Throws: `CheckpointError.mismatch` listing every name and shape that differs (nothing is modified
    ///   then), or a read or format error.
    public static func load(_ url: URL, into model: Segmenter, slot: ComponentSlot) throws {
        let file = try SafeTensors.read(url)
        let expected = tensors(of: model, slot: slot)
        var found = file.tensors.filter { belongs($0.name, to: slot) }
        // A file of the slot's module alone: names relative to the slot's prefix (the alignment has none).
        if found.isEmpty, slot != .alignment {
            found = file.tensors.map { (name: slot.rawValue + "." + $0.name, tensor: $0.tensor) }
        }
        try Checkpoint.copy(found, into: expected, source: "\(url.path) (\(slot.rawValue))", strict: true)
    }
}
