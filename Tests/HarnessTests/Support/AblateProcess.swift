import Foundation

/// The `ablate` executable built beside the test bundle (`swift test` builds every product of the
/// package), run as a child process: for what only a real process shows — signals, SIGKILL, two
/// processes on one database, Slurm array tasks.
enum AblateProcess {
    /// The repository root (this file is Tests/HarnessTests/Support/AblateProcess.swift).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// Path of the built `ablate`, found next to the test runner, else in the repository's `.build/debug`.
    static var executable: String? {
        var candidates: [String] = []
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {   // xctest bundles nest the runner a few folders below the products folder
            candidates.append(folder.appendingPathComponent("ablate").path)
            folder.deleteLastPathComponent()
        }
        candidates.append(repository + "/.build/debug/ablate")
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts `ablate arguments` in `directory` with stdout and stderr sent to `log` (a file path).
    static func start(_ arguments: [String], in directory: String, log: String,
                      environment extra: [String: String] = [:]) throws -> Process {
        guard let executable else {
            throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the ablate executable was not built"])
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["CI"] = "true"   // plain progress lines, no terminal control codes
        for (k, v) in extra { environment[k] = v }
        process.environment = environment
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    /// Runs `ablate arguments` to completion; returns the exit status and the combined output.
    static func run(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> (status: Int32, output: String) {
        let log = directory + "/ablate-\(UUID().uuidString).log"
        let process = try start(arguments, in: directory, log: log, environment: environment)
        process.waitUntilExit()
        let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: log)
        return (process.terminationStatus, output)
    }
}
