// swift-tools-version: 6.0
import PackageDescription

// Hot code is optimised in every build configuration: `swift run ablate …` builds debug by default, and a
// debug-built engine would be 10–50× slower. The C kernels get -O3; the Swift engine and layers get -O.
// (unsafeFlags are fine here: FIABench is a root package, never a dependency.)
let optimisedC: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno", "-fno-trapping-math"])]
let optimisedSwift: [SwiftSetting] = [.unsafeFlags(["-O"])]

let package = Package(
    name: "FIABench",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ablate", targets: ["ablate"]),
        .executable(name: "ablate-bench", targets: ["ablate-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    ],
    targets: [
        // System libraries (Debian: libpng-dev, libtiff-dev). OpenBLAS (libopenblas-dev) is loaded at run time
        // by CKernels/blas.c, so that its kernels can be chosen before its load-time CPU detection runs.
        .systemLibrary(name: "CPNG", path: "Sources/CPNG"),
        .systemLibrary(name: "CTIFF", path: "Sources/CTIFF"),
        // Hand-written hot loops (vectorised maps, reductions, exp, im2col), with AVX2 clones picked at run time.
        .target(name: "CKernels", path: "Sources/CKernels", cSettings: optimisedC,
                linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("pthread")]),

        // SHA-256's block function for run keys (planning hashes two strings per run). Not swift-crypto: on Linux it
        // builds BoringSSL from source, a minute or more of every fresh CI build for one hash function (README).
        .target(name: "CHash", path: "Sources/CHash", cSettings: optimisedC),

        .target(name: "TensorEngine", dependencies: ["CKernels"], swiftSettings: optimisedSwift),
        .target(name: "NN", dependencies: ["TensorEngine"], swiftSettings: optimisedSwift),
        .target(name: "RRSISData", dependencies: ["TensorEngine", "CPNG", "CTIFF"], exclude: ["Scripts"],
                swiftSettings: optimisedSwift),
        // Declared parameters, the rules between them, component declarations and the JSON they are read from.
        .target(name: "Declarations"),
        .target(name: "RRSISModels", dependencies: ["NN", "TensorEngine", "RRSISData", "Declarations"], swiftSettings: optimisedSwift),
        // The experiment layers, lowest first; each depends only on those above it in this list.
        // Spec (parse, validate, expand), plan and run keys, paths, formatting.
        .target(name: "Experiment", dependencies: ["Declarations", "RRSISModels", "RRSISData", "CHash"]),
        // Paired bootstrap, seed statistics, per-sample results.
        .target(name: "Statistics", dependencies: ["Experiment", "Declarations", "RRSISData"]),
        // The SQLite results store (runs, params, curves, metrics, costs, samples, predictions) and provenance.
        .target(name: "RunStore", dependencies: ["Experiment", "Statistics", "Declarations", .product(name: "GRDB", package: "GRDB.swift")]),
        // Data preparation, training, evaluation and the claim -> train -> record loop.
        .target(name: "Runner", dependencies: ["Experiment", "Statistics", "RunStore", "Declarations", "RRSISModels", "RRSISData", "NN", "TensorEngine"]),
        // Tables (Markdown, CSV, LaTeX), breakdowns, costs, commit comparisons.
        .target(name: "Reporting", dependencies: ["Experiment", "Statistics", "RunStore", "Declarations", .product(name: "GRDB", package: "GRDB.swift")]),
        // Figures (a small rasteriser with its own font) and the notebook.
        .target(name: "Figures", dependencies: ["Experiment", "Statistics", "RunStore", "Reporting", "Declarations", "RRSISData"]),
        // `ablate dashboard`: a static offline site (paper tables, metric histories across commits, runs, benchmarks).
        .target(name: "Dashboard", dependencies: ["Experiment", "Statistics", "RunStore", "Runner", "Reporting", "Figures", "Declarations", "RRSISData"]),
        // Slurm job arrays: array tasks, worker databases and their merge.
        .target(name: "Cluster", dependencies: ["Experiment", "RunStore", "Runner", "Declarations", "NN", .product(name: "GRDB", package: "GRDB.swift")]),
        // What the `ablate` subcommands do: the run -> record -> report flow, plan, report, submit, merge.
        .target(name: "Harness", dependencies: [
            "Experiment", "Statistics", "RunStore", "Runner", "Reporting", "Figures", "Cluster",
            "Declarations", "RRSISModels", "RRSISData", "NN",
        ]),
        .executableTarget(name: "ablate", dependencies: [
            "Harness", "Experiment", "RunStore", "Reporting", "Runner", "Cluster", "Dashboard", .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "ablate-bench", dependencies: ["TensorEngine", "NN", "RRSISData", "RRSISModels", "Declarations", "Harness", "Experiment", "Statistics", "Runner", "RunStore", "CKernels"],
                          swiftSettings: optimisedSwift),

        // Test-only helpers: the finite-difference gradient checker, fixtures.
        .target(name: "TestSupport", dependencies: ["TensorEngine"], path: "Tests/TestSupport"),
        .testTarget(name: "TensorEngineTests", dependencies: ["TensorEngine", "TestSupport"]),
        .testTarget(name: "NNTests", dependencies: ["NN", "TensorEngine", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RRSISDataTests", dependencies: ["RRSISData", "TensorEngine", "TestSupport"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "RRSISModelsTests", dependencies: ["RRSISModels", "Declarations", "TestSupport"],
                    exclude: ["Parity/Fixtures", "Parity/parity.py"]),
        .testTarget(name: "HarnessTests", dependencies: ["Harness", "Experiment", "Statistics", "RunStore", "Runner", "Reporting", "Figures",
                                                  "Cluster", "Dashboard", "Declarations", "RRSISModels", "TestSupport"], exclude: ["Golden", "Specs", "Stats/bootstrap_reference.py"]),
    ],
    swiftLanguageModes: [.v5]
)
