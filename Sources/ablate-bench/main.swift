import Foundation
import RunStore

// `swift run ablate-bench [engine|layers|data|model [SPEC] [--profile [VARIANT]] [--steps N]|oracle [SPEC]|overhead|conv-step] [--record [--store PATH]]`
// — benchmarks, never unit tests (the machine is noisy: every figure here is a median, and targets are ratios measured
// in the same run). `--record` also writes every printed figure into the store's `benchmarks` table, with the commit.
var arguments = Array(CommandLine.arguments.dropFirst())
let recording = arguments.contains("--record")
arguments.removeAll { $0 == "--record" }
var storePath = ResultStore.defaultPath
if let i = arguments.firstIndex(of: "--store") {
    guard recording, i + 1 < arguments.count, !arguments[i + 1].hasPrefix("--") else {
        FileHandle.standardError.write("ablate-bench: --store PATH goes with --record (where to record the figures); found \(arguments.suffix(from: i).joined(separator: " ")).\n".data(using: .utf8)!)
        exit(64)
    }
    storePath = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
}
let suite = arguments.first ?? "engine"
switch suite {
case "engine":
    EngineBench.run()
case "model":
    // model [SPEC] [--profile [VARIANT]] [--steps N]
    var rest = Array(arguments.dropFirst()), profile = false, variant: Int?, steps = 5
    if let i = rest.firstIndex(of: "--steps") {
        guard i + 1 < rest.count, let n = Int(rest[i + 1]), n > 0 else {
            FileHandle.standardError.write("ablate-bench model: --steps needs a positive number\n".data(using: .utf8)!)
            exit(2)
        }
        steps = n
        rest.removeSubrange(i...(i + 1))
    }
    if let i = rest.firstIndex(of: "--profile") {
        profile = true
        if i + 1 < rest.count, let n = Int(rest[i + 1]) { variant = n; rest.remove(at: i + 1) }
        rest.remove(at: i)
    }
    let specPath = rest.first ?? "Ablations/fiam_vs_coarse.json"
    do {
        if profile { try ModelBench.profile(specPath: specPath, variant: variant, steps: steps) } else { try ModelBench.run(specPath: specPath) }
    } catch {
        FileHandle.standardError.write("ablate-bench model: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
case "overhead":
    OverheadBench.run()
case "layers":
    LayerDataBench.layers()
case "data":
    do { try LayerDataBench.data() } catch {
        FileHandle.standardError.write("ablate-bench data: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
case "oracle":
    // oracle [SPEC]: the category oracle and the stride-4 head ceiling of the spec's synthetic test split.
    do { try OracleBench.run(specPath: arguments.dropFirst().first ?? "Ablations/fiam_vs_coarse.json") } catch {
        FileHandle.standardError.write("ablate-bench oracle: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
case "conv-step":
    // One conv forward+backward, printed as milliseconds (used to compare debug and release builds).
    print(fmt(ConvBench.stepMilliseconds(), 3))
case let other:
    FileHandle.standardError.write("ablate-bench: unknown benchmark '\(other)'. Available: engine, layers, data, model [SPEC] [--profile [VARIANT]] [--steps N], oracle [SPEC], overhead, conv-step\n".data(using: .utf8)!)
    exit(2)
}

if recording {
    do {
        let count = try Recorder.save(suite: suite, storePath: storePath)
        print("recorded \(count) figures of '\(suite)' into \(storePath) (table benchmarks)")
    } catch {
        FileHandle.standardError.write("ablate-bench: the figures above were not recorded into \(storePath): \(error)\n".data(using: .utf8)!)
        exit(1)
    }
}
