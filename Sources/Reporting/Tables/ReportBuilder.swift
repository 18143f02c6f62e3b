import Declarations
import Experiment
import RunStore
import Statistics

/// Builds a `ReportTable` for a plan from the store alone (no training): the plan's finished runs,
/// grouped by variant, with mean ± sample std over seeds of every metric and cost, and — when the runs
/// stored per-sample results — the paired bootstrap Δ of every metric vs the baseline (`PairedDeltas`).
///
/// Only runs whose keys the current plan produces are used, so runs of an earlier version of the spec
/// (other epochs, other components) never leak into the table.
public enum ReportBuilder {
    public static func build(_ plan: Plan, store: ResultStore) throws -> ReportTable {
        let options = plan.spec.report
        let d = options.decimals
        var columns = Metric.allCases.map { ReportColumn(id: $0.name, title: $0.name, polarity: .higherIsBetter, decimals: d) }
        columns.append(ReportColumn(id: ReportTable.deltaColumn, title: "Δ \(options.primary.name)", polarity: .unranked, decimals: d))
        columns += [
            ReportColumn(id: "params", title: "Params (M)", polarity: .lowerIsBetter, decimals: 2, showsSpread: false),
            ReportColumn(id: "gmacs", title: "GMACs", polarity: .lowerIsBetter, decimals: 3, showsSpread: false),
            ReportColumn(id: "trainSecondsPerEpoch", title: "Train s/epoch", polarity: .lowerIsBetter, decimals: 1, bestNeedsEvidence: true),
            ReportColumn(id: "inferenceMs", title: "Infer ms/image", polarity: .lowerIsBetter, decimals: 2, bestNeedsEvidence: true),
        ]
        let statuses = try store.statuses(of: plan.runs.map(\.runKey))
        var rows: [ReportRow] = []
        for cell in plan.spec.cells {
            var perColumn: [String: [(seed: Int, value: Double)]] = [:]
            var finished: [Int] = []
            for run in plan.runs(of: cell) where statuses[run.runKey] == .finished {
                finished.append(run.seed)
                for m in try store.metrics(runKey: run.runKey) where m.split == options.split && m.tag == nil {
                    if Metric(rawValue: m.name) != nil { perColumn[m.name, default: []].append((run.seed, 100 * m.value)) }
                }
                if let total = try store.costs(runKey: run.runKey).first(where: { $0.component == CostRecord.total }) {
                    let costs: [(String, Double?)] = [
                        ("params", total.params.map { Double($0) / 1e6 }),
                        ("gmacs", total.macs.map { Double($0) / 1e9 }),
                        ("trainSecondsPerEpoch", total.trainSecondsPerEpoch),
                        ("inferenceMs", total.inferenceMsPerImage),
                    ]
                    for case let (id, value?) in costs { perColumn[id, default: []].append((run.seed, value)) }
                }
            }
            rows.append(ReportRow(name: cell.name, swept: plan.spec.sweptKeys.map { cell.value(of: $0) ?? "" },
                                  isBaseline: cell.name == plan.spec.baseline, finishedSeeds: finished,
                                  plannedSeeds: plan.spec.seeds, cells: perColumn.mapValues { SeedStatistics(values: $0) }))
        }
        if let base = rows.first(where: \.isBaseline), let baseMean = base.cells[options.primary.name]?.mean {
            for i in rows.indices where !rows[i].isBaseline {
                if let stats = rows[i].cells[options.primary.name], let mean = stats.mean {
                    rows[i].cells[ReportTable.deltaColumn] = SeedStatistics(values: [(seed: -1, value: mean - baseMean)])
                    rows[i].deltaEvidence = DeltaEvidence.classify(stats, base.cells[options.primary.name]!)
                }
            }
        }
        // Paired intervals from per-sample results, when the store has them (runs from schema v4 on).
        let samples = try PairedDeltas.samplesByCell(plan, store: store, split: options.split, statuses: statuses)
        if let baseSamples = samples[plan.spec.baseline] {
            for i in rows.indices where !rows[i].isBaseline {
                let paired = PairedDeltas.percentPoints(baseline: baseSamples, variant: samples[rows[i].name] ?? [])
                guard let primary = paired[options.primary] else { continue }
                rows[i].paired = paired
                rows[i].intervals[ReportTable.deltaColumn] = primary
                rows[i].cells[ReportTable.pImproveColumn] = SeedStatistics(values: [(seed: -1, value: primary.pImprove)])
            }
        }
        if rows.contains(where: { !$0.paired.isEmpty }), let at = columns.firstIndex(where: { $0.id == ReportTable.deltaColumn }) {
            columns.insert(ReportColumn(id: ReportTable.pImproveColumn, title: "P(Δ>0)", polarity: .unranked, decimals: 2,
                                        showsSpread: false), at: at + 1)
        }
        return ReportTable(specName: plan.spec.name, description: plan.spec.description, split: options.split,
                           checkpoint: plan.spec.train.checkpoint.rawValue, primary: options.primary,
                           columns: columns, rows: rows, seeds: plan.spec.seeds, sweptKeys: plan.spec.sweptKeys)
    }
}
