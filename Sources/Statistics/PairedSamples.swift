import Declarations
import Experiment

/// A baseline and a variant aligned for `PairedBootstrap`: the seeds both finished (in the baseline's
/// order) and the sample ids every one of those runs evaluated (sorted), as two `SampleMatrix`es.
public struct PairedSamples: Sendable {
    /// Shared seed values, row order of both matrices.
    public var seeds: [Int]
    /// Shared sample ids, column order of both matrices.
    public var sampleIDs: [String]
    /// Each shared sample's tags (`"scale=small"`, …), from the baseline's first run.
    public var tags: [[String]]
    public var baseline: SampleMatrix
    public var variant: SampleMatrix

    /// Aligns per-sample results of runs keyed by seed. Nil when no seed or no sample is shared (runs stored
    /// before per-sample results existed have none), or a sample id repeats within a run.
    public init?(baseline: [(seed: Int, samples: [SampleResult])], variant: [(seed: Int, samples: [SampleResult])]) {
        let variantBySeed = Dictionary(variant.map { ($0.seed, $0.samples) }, uniquingKeysWith: { a, _ in a })
        let pairs = baseline.compactMap { b in variantBySeed[b.seed].map { (seed: b.seed, base: b.samples, other: $0) } }
            .filter { !$0.base.isEmpty && !$0.other.isEmpty }
        guard !pairs.isEmpty else { return nil }
        var maps: [(base: [String: SampleResult], other: [String: SampleResult])] = []
        for p in pairs {
            guard let b = Self.byID(p.base), let o = Self.byID(p.other) else { return nil }
            maps.append((b, o))
        }
        var shared = Set(maps[0].base.keys)
        for m in maps { shared.formIntersection(m.base.keys); shared.formIntersection(m.other.keys) }
        guard !shared.isEmpty else { return nil }
        let ids = shared.sorted()
        func matrix(_ side: [[String: SampleResult]]) -> SampleMatrix {
            SampleMatrix(seeds: side.count, samples: ids.count,
                         intersection: side.flatMap { m in ids.map { m[$0]!.intersection } },
                         union: side.flatMap { m in ids.map { m[$0]!.union } })
        }
        seeds = pairs.map(\.seed)
        sampleIDs = ids
        tags = ids.map { maps[0].base[$0]!.tags }
        self.baseline = matrix(maps.map(\.base))
        self.variant = matrix(maps.map(\.other))
    }

    /// The same comparison restricted to samples carrying `tag`; nil when none does.
    public func restricted(toTag tag: String) -> PairedSamples? {
        let columns = tags.indices.filter { tags[$0].contains(tag) }
        guard !columns.isEmpty else { return nil }
        var out = self
        out.sampleIDs = columns.map { sampleIDs[$0] }
        out.tags = columns.map { tags[$0] }
        out.baseline = baseline.selecting(columns: columns)
        out.variant = variant.selecting(columns: columns)
        return out
    }

    /// Every tag any shared sample carries.
    public var allTags: Set<String> { Set(tags.flatMap { $0 }) }

    private static func byID(_ samples: [SampleResult]) -> [String: SampleResult]? {
        var out: [String: SampleResult] = [:]
        for s in samples {
            if out[s.sampleID] != nil { return nil }
            out[s.sampleID] = s
        }
        return out
    }
}
