import Dispatch
import Foundation

/// Wall-clock timing for benchmarks: warm-up runs, then the median of `repeats` (the machine is noisy;
/// medians of ratios measured in the same run are what we compare).
enum Timing {
    /// Seconds for one call of `body`, median over `repeats` after `warmup` calls.
    static func median(repeats: Int = 7, warmup: Int = 2, _ body: () -> Void) -> Double {
        for _ in 0..<warmup { body() }
        var samples: [Double] = []
        for _ in 0..<repeats { samples.append(seconds(body)) }
        return medianOf(samples)
    }

    /// Seconds for one call of `body`.
    static func seconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// The median of `values` (the upper one of the middle two for an even count).
    static func medianOf(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    /// Resident set size of this process in bytes (Linux `/proc/self/statm`).
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Peak resident set size in bytes (`VmHWM`).
    static func peakResidentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let kb = line.split(separator: " ").compactMap { Int($0) }.first ?? 0
            return kb * 1024
        }
        return 0
    }

    #if DEBUG
    static let configuration = "debug"
    #else
    static let configuration = "release"
    #endif
}

/// A results table printed as aligned markdown.
struct Report {
    var title: String
    var header: [String]
    var rows: [[String]] = []

    mutating func add(_ cells: String...) { rows.append(cells) }

    func render() -> String {
        let all = [header] + rows
        let widths = header.indices.map { c in all.map { $0.indices.contains(c) ? $0[c].count : 0 }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            "| " + header.indices.map { c in
                let v = cells.indices.contains(c) ? cells[c] : ""
                return v + String(repeating: " ", count: widths[c] - v.count)
            }.joined(separator: " | ") + " |"
        }
        return (["### \(title)", "", line(header), "|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
                + rows.map(line)).joined(separator: "\n") + "\n"
    }
}

func fmt(_ x: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", x) }
