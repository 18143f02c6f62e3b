import Declarations
import Experiment
import RunStore
import Statistics

/// Which direction of a column is better, for bolding the best value.
public enum Polarity: Sendable {
    /// Quality metrics.
    case higherIsBetter
    /// Costs and times.
    case lowerIsBetter
    /// Not ranked (deltas).
    case unranked
}

/// One column of a paper-style table.
public struct ReportColumn: Equatable, Sendable {
    /// Stable identifier (`"mIoU"`, `"params"`, …).
    public var id: String
    /// Header text (`"mIoU"`, `"Params (M)"`).
    public var title: String
    public var polarity: Polarity
    /// Decimals shown in markdown and on the terminal.
    public var decimals: Int
    /// Whether cells show `± std` (not for deterministic costs such as parameter counts).
    public var showsSpread: Bool = true
    /// Whether the best mark needs evidence that the value is not noise (timings): the best mean must differ from
    /// every other row's beyond seed noise (`DeltaEvidence.beyondNoise`, so at least two seeds on each side).
    public var bestNeedsEvidence: Bool = false
}

/// Summary of one column for one variant over its seeds.
public struct SeedStatistics: Equatable, Sendable {
    /// Per-seed values in the spec's seed order (seeds without a value are left out).
    public var values: [(seed: Int, value: Double)]

    public static func == (a: SeedStatistics, b: SeedStatistics) -> Bool {
        a.values.count == b.values.count && zip(a.values, b.values).allSatisfy { $0.seed == $1.seed && $0.value == $1.value }
    }

    /// Arithmetic mean, `nil` without values.
    public var mean: Double? {
        values.isEmpty ? nil : values.map(\.value).reduce(0, +) / Double(values.count)
    }

    /// Sample standard deviation (n − 1 in the denominator), `nil` for fewer than two values.
    public var std: Double? {
        guard values.count >= 2, let m = mean else { return nil }
        let ss = values.map { ($0.value - m) * ($0.value - m) }.reduce(0, +)
        return (ss / Double(values.count - 1)).squareRoot()
    }
}

/// One variant's row.
public struct ReportRow: Equatable, Sendable {
    public var name: String
    /// The row's value of each of the table's `sweptKeys`, in order.
    public var swept: [String] = []
    public var isBaseline: Bool
    /// Seeds with a finished run, and seeds planned.
    public var finishedSeeds: [Int]
    public var plannedSeeds: [Int]
    /// Column id → statistics (the Δ column holds one value: the difference of means).
    public var cells: [String: SeedStatistics]
    /// How much the Δ vs baseline can be trusted (nil for the baseline or without data).
    public var deltaEvidence: DeltaEvidence? = nil
    /// Paired Δ vs baseline of every metric, percentage points (`PairedDeltas`); empty for the baseline or
    /// without per-sample results.
    public var paired: [Metric: PairedDelta] = [:]
    /// Column id → paired Δ interval shown in that cell (the Δ column, or a breakdown tag), percentage points.
    public var intervals: [String: PairedDelta] = [:]
}

/// Whether a difference of means over seeds is more than seed noise. Short trainings are noisy, so a
/// table never presents a single-seed difference, or one inside the seeds' spread, as a finding.
public enum DeltaEvidence: String, Equatable, Sendable {
    /// Fewer than two seeds on one side: no spread to compare against (rendered with †).
    case singleSeed
    /// |Δ| < 2 standard errors of the difference, √(s²ₐ/nₐ + s²ᵦ/nᵦ) (rendered with ~).
    case withinNoise
    /// |Δ| ≥ 2 standard errors.
    case beyondNoise

    /// Classifies the difference between two rows' per-seed values.
    public static func classify(_ a: SeedStatistics, _ b: SeedStatistics) -> DeltaEvidence {
        guard let ma = a.mean, let mb = b.mean, let sa = a.std, let sb = b.std else { return .singleSeed }
        let se = (sa * sa / Double(a.values.count) + sb * sb / Double(b.values.count)).squareRoot()
        if se == 0 { return ma == mb ? .withinNoise : .beyondNoise }
        return Swift.abs(ma - mb) >= 2 * se ? .beyondNoise : .withinNoise
    }

    /// The mark after a Δ value.
    public var mark: String {
        switch self {
        case .singleSeed: return "†"
        case .withinNoise: return "~"
        case .beyondNoise: return ""
        }
    }
}

/// A paper-style table: variants × (metrics, Δ vs baseline, costs), with values in display units
/// (metrics in percent, parameters in millions, GMACs, seconds, milliseconds).
public struct ReportTable: Equatable, Sendable {
    public var specName: String
    /// Heading of rendered tables; the spec name when `nil`.
    public var title: String? = nil
    /// Explanation printed under the table; `MarkdownReport.notes` when `nil`.
    public var notes: String? = nil
    public var description: String?
    /// Split the metrics come from, checkpoint rule and primary metric, for the notes.
    public var split: String
    public var checkpoint: String
    public var primary: Metric
    public var columns: [ReportColumn]
    public var rows: [ReportRow]
    /// Seeds of the spec, in order (CSV per-seed columns).
    public var seeds: [Int]
    /// Spec keys the variants sweep beyond model slots (`train.lr`, `train.epochs`): one column each, after
    /// the variant's name, so rows trained at different budgets say so.
    public var sweptKeys: [String] = []

    /// Id of the Δ column.
    public static let deltaColumn = "delta"
    /// Id of the P(Δ > 0) column (probability of improvement of the primary metric), present with paired intervals.
    public static let pImproveColumn = "pImprove"

    /// Whether any row carries paired intervals.
    public var hasPairedDeltas: Bool { rows.contains { !$0.paired.isEmpty || !$0.intervals.isEmpty } }

    /// Row indices holding the best mean of `column` at the displayed precision (ties all count); empty for
    /// unranked columns, when fewer than two rows have a value, or when every row ties. A column whose best needs
    /// evidence (`bestNeedsEvidence`) marks a row only when it beats every other row beyond seed noise.
    public func best(_ column: ReportColumn) -> Set<Int> {
        let means = rows.enumerated().compactMap { i, r in r.cells[column.id]?.mean.map { (i, $0) } }
        guard means.count >= 2 else { return [] }
        // Compare at the displayed precision, so two values that print alike are both bold.
        let rounded = means.map { ($0.0, Double(Format.fixed($0.1, column.decimals)) ?? $0.1) }
        let target: Double
        switch column.polarity {
        case .higherIsBetter: target = rounded.map(\.1).max()!
        case .lowerIsBetter: target = rounded.map(\.1).min()!
        case .unranked: return []
        }
        var winners = rounded.filter { $0.1 == target }.map(\.0)
        // A column where every row ties has no best value worth marking.
        if winners.count == rounded.count { return [] }
        if column.bestNeedsEvidence {
            winners = winners.filter { w in
                means.allSatisfy { other in
                    other.0 == w || DeltaEvidence.classify(rows[w].cells[column.id]!, rows[other.0].cells[column.id]!) == .beyondNoise
                }
            }
        }
        return Set(winners)
    }

    /// The text of a cell: `71.23 ± 0.45` (`71.23` for a single seed), signed for Δ, "—" without data. A Δ cell
    /// with a paired interval reads `+1.23 [+0.40, +2.10]`; another cell with one appends ` (Δ +1.23 [+0.40, +2.10])`.
    public func text(row: ReportRow, column: ReportColumn) -> String {
        if column.id == Self.deltaColumn, let d = row.intervals[column.id] { return PairedDeltas.text(d, decimals: column.decimals) }
        guard let stats = row.cells[column.id], let mean = stats.mean else { return "—" }
        if column.id == Self.deltaColumn { return Format.signed(mean, column.decimals) + (row.deltaEvidence?.mark ?? "") }
        if column.id == Self.pImproveColumn { return Format.fixed(mean, 2) }
        let interval = row.intervals[column.id].map { " (Δ " + PairedDeltas.text($0, decimals: column.decimals) + ")" } ?? ""
        guard column.showsSpread, let std = stats.std else { return Format.fixed(mean, column.decimals) + interval }
        return Format.fixed(mean, column.decimals) + " ± " + Format.fixed(std, column.decimals) + interval
    }
}
