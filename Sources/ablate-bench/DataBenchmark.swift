import TensorEngine
import RRSISData
import Foundation

/// Throughput of the data pipeline, for `ablate-bench`.
public enum DataBenchmark {
    /// Generates `samples` synthetic samples, writes them to a temporary directory in our layout, loads
    /// them back, prepares them and assembles batches. Returns:
    /// - `generation_samples_per_s`: synthetic generation (all cores);
    /// - `disk_load_samples_per_s`: manifest + PNG decoding from disk (all cores);
    /// - `prepare_samples_per_s`: resizing, normalisation, tokenising, decoupling;
    /// - `batch_ms`: assembling one batch of `batchSize` with random flips (one core) — compare with a
    ///   training step;
    /// - `batch_samples_per_s`: the same as samples per second.
    public static func run(imageSize: Int = 64, samples: Int = 512, batchSize: Int = 16) throws -> [String: Double] {
        var config = SyntheticConfig()
        config.imageSize = imageSize
        config.trainCount = samples
        config.seed = 12345
        var t = Date()
        let generated = try SyntheticGenerator.generate(config, split: .train)
        let generation = Double(samples) / Date().timeIntervalSince(t)

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fiabench-databench-\(ProcessInfo.processInfo.processIdentifier)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try Manifest.write(generated, to: dir)
        t = Date()
        let (loaded, _) = try Manifest.load(from: dir)
        let loading = Double(loaded.count) / Date().timeIntervalSince(t)

        t = Date()
        let vocabulary = Vocabulary(building: loaded.map(\.expression))
        let prepared = try PreparedDataset(samples: loaded, vocabulary: vocabulary,
                                           decoupler: PhraseDecoupler(classList: ClassLists.synthetic), maxLength: 20)
        let preparing = Double(loaded.count) / Date().timeIntervalSince(t)

        let loader = BatchLoader(dataset: prepared, batchSize: batchSize, flips: .standard, seed: 1)
        let batches = min(loader.batchCount, 32)
        t = Date()
        var checksum: Float = 0
        for b in 0..<batches { checksum += loader.arrays(epoch: 0, index: b).images[0] }
        let perBatch = Date().timeIntervalSince(t) / Double(batches)
        _ = checksum
        return [
            "generation_samples_per_s": generation,
            "disk_load_samples_per_s": loading,
            "prepare_samples_per_s": preparing,
            "batch_ms": perBatch * 1000,
            "batch_samples_per_s": Double(batchSize) / perBatch,
        ]
    }
}
