import RRSISModels
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the process's terminal.
public enum Terminal {
    /// Whether standard output is a terminal (progress bars, ANSI bold) rather than a pipe or CI log.
    public static var isInteractive: Bool { isatty(STDOUT_FILENO) != 0 }
}
