import Testing
@testable import Reporting
import RunStore

struct PretrainingSummaryTests {
    /// Each artifact once, in order of first use, minutes and percentages as computed by hand, "—" where the
    /// metadata had no figure; nothing at all when no run started from a pretrained artifact.
    @Test func listsEachArtifactOnceWithItsCost() {
        let backbone = PretrainingRecord(slot: "backbone", artifact: "backbone-1e26.safetensors", recipe: "pretrain=segmentation;v1",
                                         seconds: 78.0, threads: 2, finalLoss: 0.53754, finalAccuracy: 0.95671)
        let text = PretrainingRecord(slot: "text", artifact: "text-eaee.safetensors", recipe: "pretrain=mlm;v1", seconds: nil,
                                     threads: nil, finalLoss: nil, finalAccuracy: nil)
        let markdown = PretrainingSummary.markdown([.init(record: backbone, runs: 9), .init(record: text, runs: 3)])
        let lines = (markdown ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "## Pretraining (once per configuration)")
        #expect(lines.contains("| backbone | `backbone-1e26.safetensors` | 1.3 | 2 | 0.5375 | 95.67 | 9 |"))   // 78 s = 1.3 min
        #expect(lines.contains("| text | `text-eaee.safetensors` | — | — | — | — | 3 |"))
        #expect(lines.contains("- `backbone-1e26.safetensors`: `pretrain=segmentation;v1`"))
        #expect(PretrainingSummary.markdown([]) == nil)
    }
}
