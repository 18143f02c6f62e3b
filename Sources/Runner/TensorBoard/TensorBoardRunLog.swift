import Experiment
import Foundation
import RunStore

/// Where a spec's TensorBoard logs go: `<results>/tensorboard/<spec>/` holds the hparams experiment summary
/// (its own event file) and one folder per run, `<NN>-<cell>/seed-<s>/` (`01-Coarse-alignment/seed-0`): the
/// cell's 1-based table position keeps folders unique and in table order, and its name is reduced to
/// letters, digits, `-` and `_`.
public enum TensorBoardLayout {
    public static func specFolder(_ specName: String, resultsRoot: String) -> URL {
        URL(fileURLWithPath: resultsRoot).appendingPathComponent("tensorboard").appendingPathComponent(specName)
    }

    public static func runFolder(_ run: PlannedRun, specName: String, resultsRoot: String) -> URL {
        specFolder(specName, resultsRoot: resultsRoot).appendingPathComponent(cellFolder(run.cell)).appendingPathComponent("seed-\(run.seed)")
    }

    /// `FIAM w/o spatial` at index 1 → `02-FIAM-w-o-spatial`.
    public static func cellFolder(_ cell: Cell) -> String {
        var slug = ""
        for ch in cell.name.unicodeScalars {
            let keep = ch.isASCII && (CharacterSet.alphanumerics.contains(ch) || ch == "-" || ch == "_")
            if keep { slug.unicodeScalars.append(ch) } else if !slug.hasSuffix("-") { slug += "-" }
        }
        let trimmed = slug.trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        return String(format: "%02d", cell.index + 1) + (trimmed.isEmpty ? "" : "-" + trimmed)
    }

    /// Scalar tags: `train/loss` and `train/lr` per step; `val/mIoU`, `val/oIoU` per evaluated epoch;
    /// `test/<metric>` at the last step.
    static func testTag(_ metric: String) -> String { "test/" + metric }
}

/// The TensorBoard event file of one run: per-step training loss and learning rate, per-epoch val metrics,
/// the test metrics at the end, and the hparams session (start with the run's hyper-parameters, end with its
/// status). Starting a run again replaces its earlier event files; each run (re)writes the spec's experiment
/// summary, so the HParams tab lists the plan's hyper-parameters and metrics.
final class TensorBoardRunLog {
    private let events: EventFileWriter
    private var lastStep = 0

    init(_ run: PlannedRun, of plan: Plan, resultsRoot: String, startTime: Double = Date().timeIntervalSince1970) throws {
        let folder = TensorBoardLayout.runFolder(run, specName: plan.spec.name, resultsRoot: resultsRoot)
        try? FileManager.default.removeItem(at: folder)
        let hparams = AblationHParams(plan: plan)
        try Self.writeExperiment(hparams, specFolder: TensorBoardLayout.specFolder(plan.spec.name, resultsRoot: resultsRoot), time: startTime)
        events = try EventFileWriter(folder: folder, wallTime: startTime)
        let start = HParamsMessages.sessionStart(hparams: hparams.values(of: run), group: run.cell.name, startTime: startTime)
        events.append(EventMessages.pluginSummary(tag: HParamsMessages.sessionStartTag, plugin: HParamsMessages.plugin,
                                                  content: start, wallTime: startTime))
        try events.flush()
    }

    func step(_ s: StepPoint) {
        lastStep = s.step
        let t = Date().timeIntervalSince1970
        events.append(EventMessages.scalar(tag: "train/loss", value: Float(s.loss), step: s.step, wallTime: t))
        events.append(EventMessages.scalar(tag: "train/lr", value: Float(s.lr), step: s.step, wallTime: t))
    }

    /// An epoch's validation points, then everything buffered goes to disk.
    func epoch(_ points: [CurvePoint]) throws {
        let t = Date().timeIntervalSince1970
        for p in points where p.split == "val" {
            if let m = p.mIoU { events.append(EventMessages.scalar(tag: "val/mIoU", value: Float(m), step: p.step, wallTime: t)) }
            if let o = p.oIoU { events.append(EventMessages.scalar(tag: "val/oIoU", value: Float(o), step: p.step, wallTime: t)) }
        }
        try events.flush()
    }

    /// The test split's whole-split metrics at the last step, and the session's end.
    func finish(metrics: [MetricValue], status: HParamsMessages.Status) throws {
        let t = Date().timeIntervalSince1970
        for m in metrics where m.split == "test" && m.tag == nil {
            events.append(EventMessages.scalar(tag: TensorBoardLayout.testTag(m.name), value: Float(m.value), step: lastStep, wallTime: t))
        }
        events.append(EventMessages.pluginSummary(tag: HParamsMessages.sessionEndTag, plugin: HParamsMessages.plugin,
                                                  content: HParamsMessages.sessionEnd(status, endTime: t), step: lastStep, wallTime: t))
        try events.flush()
    }

    /// The metrics the HParams tab shows per session.
    static let metricInfos: [HParamsMessages.MetricInfo] =
        Metric.allCases.map { .init(tag: TensorBoardLayout.testTag($0.name), training: false) }
            + [.init(tag: "val/mIoU", training: false), .init(tag: "val/oIoU", training: false), .init(tag: "train/loss", training: true)]

    /// The spec folder's `events.out.tfevents.0.experiment`: one hparams experiment summary, replaced whole.
    static func writeExperiment(_ hparams: AblationHParams, specFolder: URL, time: Double) throws {
        let content = HParamsMessages.experiment(hparams: hparams.infos, metrics: metricInfos)
        var file = TFRecord.frame(EventMessages.fileVersion(wallTime: time))
        file += TFRecord.frame(EventMessages.pluginSummary(tag: HParamsMessages.experimentTag, plugin: HParamsMessages.plugin,
                                                           content: content, wallTime: time))
        try FileManager.default.createDirectory(at: specFolder, withIntermediateDirectories: true)
        let url = specFolder.appendingPathComponent("events.out.tfevents.0.experiment")
        do { try file.write(to: url, options: .atomic) } catch { throw TensorBoardError.cannotWrite(path: url.path) }
    }
}
