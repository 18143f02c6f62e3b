import Foundation

// `swift run ablate-bench [engine|layers|data|model [SPEC]|conv-step]` — benchmarks, never unit tests (the machine is noisy:
// every figure here is a median, and targets are ratios measured in the same run).
let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first ?? "engine" {
case "engine":
    EngineBench.run()
case "model":
    do { try ModelBench.run(specPath: arguments.count > 1 ? arguments[1] : "Ablations/fiam_vs_coarse.json") } catch {
        FileHandle.standardError.write("ablate-bench model: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
case "layers":
    LayerDataBench.layers()
case "data":
    do { try LayerDataBench.data() } catch {
        FileHandle.standardError.write("ablate-bench data: \(error)\n".data(using: .utf8)!)
        exit(1)
    }
case "conv-step":
    // One conv forward+backward, printed as milliseconds (used to compare debug and release builds).
    print(fmt(ConvBench.stepMilliseconds(), 3))
case let other:
    FileHandle.standardError.write("ablate-bench: unknown benchmark '\(other)'. Available: engine, layers, data, model [SPEC], conv-step\n".data(using: .utf8)!)
    exit(2)
}
