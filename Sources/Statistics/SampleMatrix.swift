import Experiment

/// Per-sample intersections and unions of one variant over seeds, `[seeds, samples]` row-major: row `s` is
/// the run with the `s`-th shared seed, column `j` the `j`-th shared sample id. Two matrices compared by
/// `PairedBootstrap` have the same seeds and sample ids in the same order (that is the pairing).
public struct SampleMatrix: Equatable, Sendable {
    public let seeds: Int
    public let samples: Int
    /// `[seeds * samples]` pixels, `intersection[s * samples + j]`.
    public let intersection: [Int]
    public let union: [Int]

    public init(seeds: Int, samples: Int, intersection: [Int], union: [Int]) {
        precondition(seeds > 0 && samples > 0, "SampleMatrix needs at least one seed and one sample (got \(seeds) × \(samples))")
        precondition(intersection.count == seeds * samples && union.count == seeds * samples,
                     "SampleMatrix: \(intersection.count) intersections and \(union.count) unions for \(seeds) × \(samples)")
        self.seeds = seeds; self.samples = samples; self.intersection = intersection; self.union = union
    }

    /// Rows of `(intersection, union)` pairs, one per seed (test convenience).
    public init(_ rows: [[(Int, Int)]]) {
        self.init(seeds: rows.count, samples: rows.first?.count ?? 0,
                  intersection: rows.flatMap { $0.map(\.0) }, union: rows.flatMap { $0.map(\.1) })
    }

    /// The columns `columns` only (a tag's samples), in that order.
    public func selecting(columns: [Int]) -> SampleMatrix {
        var i: [Int] = [], u: [Int] = []
        for s in 0..<seeds { for j in columns { i.append(intersection[s * samples + j]); u.append(union[s * samples + j]) } }
        return SampleMatrix(seeds: seeds, samples: columns.count, intersection: i, union: u)
    }

    /// `metric` of seed `s` over all samples, a fraction, exactly as `IoUAccumulator` computes it.
    public func value(_ metric: Metric, seed s: Int) -> Double {
        var acc = IoUAccumulator()
        for j in 0..<samples { acc.add(intersection: intersection[s * samples + j], union: union[s * samples + j]) }
        return metric == .oIoU ? acc.overallIoU : metric == .mIoU ? acc.meanIoU : acc.precision(at: metric)
    }

    /// Mean over seeds of `metric`, a fraction.
    public func meanValue(_ metric: Metric) -> Double {
        (0..<seeds).map { value(metric, seed: $0) }.reduce(0, +) / Double(seeds)
    }
}
