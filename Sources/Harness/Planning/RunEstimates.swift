import Cluster
import Declarations
import Experiment
import Figures
import NN
import RRSISModels
import Reporting
import RunStore
import Runner
import Statistics

/// Model-based estimates for `ablate plan`, before anything trains: the cell's model is built and one
/// forward pass at batch 1 and the spec's image size is counted (no data is generated). The time
/// estimate, when runs of the cell have finished before, comes from the store (`StoredEstimates`).
public enum RunEstimates {
    /// Variants (in table order) that `ablate plan` estimates by building their model: each costs a model
    /// build and a forward pass (tens of milliseconds), so a 10,000-variant grid would take minutes.
    /// Planning is bookkeeping; the rest show measured figures once runs of theirs have finished.
    public static let maximumModelEstimates = 16

    /// `estimate` for the first `limit` cells (by index), `nil` for the others — never called for them.
    public static func limited(_ estimate: @escaping (Cell) -> Estimate?, limit: Int = maximumModelEstimates) -> (Cell) -> Estimate? {
        { cell in cell.index < limit ? estimate(cell) : nil }
    }

    public static func macs(_ spec: AblationSpec) -> (Cell) -> Estimate? {
        { cell in
            guard let size = spec.dataset.imageSize,
                  let length = try? cell.model.choices[.text]?.params.int("maxLength"),
                  let model = try? ModelCatalog.standard.segmenter(cell.model, vocabulary: 2, seed: 0) else { return nil }
            model.eval()
            let ones = Tensor.ones([1, length])
            let text = TextInput(tokens: [Int](repeating: 1, count: length), batch: 1, length: length, fullMask: ones,
                                 objectMask: ones, positionMask: ones)
            let counter = CostCounter()
            let out = Cost.counting(into: counter) { withNoGrad { model(Tensor.zeros([1, 3, size, size]), text) } }
            return out.failure == nil ? Estimate(macs: counter.totalMACs) : nil
        }
    }
}
