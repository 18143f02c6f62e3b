import Foundation
import NN
import RRSISData

/// `ablate-bench layers` and `ablate-bench data`: the NN layers as a fraction of the GEMM throughput they
/// contain, and the data pipeline's samples per second.
enum LayerDataBench {
    static func layers() {
        var report = Report(title: "Layers, forward+backward, against their own GEMMs run alone",
                            header: ["layer", "fwd+bwd (ms)", "fwd (ms)", "its GEMMs alone (ms)", "fraction of GEMM throughput"])
        for t in NNBenchmarks.all() {
            report.add(t.name, fmt(t.seconds * 1e3, 2), fmt(t.forwardSeconds * 1e3, 2), fmt(t.gemmSeconds * 1e3, 2),
                       fmt(100 * t.gemmFraction) + "%")
        }
        report.publish()
    }

    static func data() throws {
        let r = try DataBenchmark.run()
        var report = Report(title: "Data pipeline (64×64, synthetic)", header: ["stage", "samples/s"])
        for (name, key) in [("generate", "generation_samples_per_s"), ("load from disk (manifest + PNG)", "disk_load_samples_per_s"),
                            ("prepare (resize, normalise, tokenise, decouple)", "prepare_samples_per_s"),
                            ("assemble a batch of 16", "batch_samples_per_s")] {
            report.add(name, fmt(r[key] ?? 0, 0))
        }
        report.add("one batch of 16 (ms)", fmt(r["batch_ms"] ?? 0, 3))
        report.publish()
    }
}
