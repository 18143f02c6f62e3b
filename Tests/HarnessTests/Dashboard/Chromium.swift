import Foundation

/// Headless Chromium (Debian's `chromium`, installed by `.ci/setup`) driven from the command line: the DOM after
/// loading a page, the console messages it logged, and screenshots.
enum Chromium {
    /// The browser's executable, nil when none is installed.
    static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Why the browser tests skip, when they do.
    static let missing = "chromium is not installed (apt-get install chromium; CI installs it through .ci/setup)"

    /// The result of one headless load.
    struct Load {
        var status: Int32
        /// Standard output: the serialised DOM with `--dump-dom`.
        var dom: String
        /// The page's console messages (`…:CONSOLE…] "message", source: …` lines of Chromium's log).
        var console: [String]
        /// Console messages that report an error (an uncaught exception, a file that did not load, `console.error`).
        var errors: [String] {
            console.filter { $0.contains("Uncaught") || $0.contains("Error") || $0.contains(":ERROR:") || $0.contains("Failed to load") }
        }
    }

    /// Loads `file` (an absolute path) headless; `extra` adds e.g. `--dump-dom` or `--screenshot=PATH`.
    static func load(_ file: String, _ extra: [String], timeout: TimeInterval = 90) throws -> Load {
        let profile = NSTemporaryDirectory() + "fiabench-chromium-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                             "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0"] + extra + [URL(fileURLWithPath: file).absoluteString]
        // The log goes to a file (a second pipe would need its own reader thread to keep the browser from blocking).
        let logFile = profile + ".log"
        FileManager.default.createFile(atPath: logFile, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: logFile) }
        let out = Pipe(), err = try FileHandle(forWritingTo: URL(fileURLWithPath: logFile))
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let killer = DispatchWorkItem { process.terminate() }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: killer)
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        killer.cancel()
        try err.close()
        let log = String(decoding: FileManager.default.contents(atPath: logFile) ?? Data(), as: UTF8.self).split(separator: "\n").map(String.init)
        return Load(status: process.terminationStatus, dom: String(decoding: dom, as: UTF8.self), console: log.filter { $0.contains("CONSOLE") })
    }
}
