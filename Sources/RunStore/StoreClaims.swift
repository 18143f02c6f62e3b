import Declarations
import Experiment
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A process training runs: `host:pid`, stored in `runs.owner` while a run is `running`.
public struct RunOwner: Equatable, Sendable, CustomStringConvertible {
    public var host: String
    public var pid: Int32

    public init(host: String, pid: Int32) { self.host = host; self.pid = pid }

    /// This process.
    public static let current = RunOwner(host: ProcessInfo.processInfo.hostName, pid: getpid())

    /// Parses `host:pid` (the host may itself contain colons; the pid is after the last one).
    public init?(parsing text: String) {
        guard let colon = text.lastIndex(of: ":"), let pid = Int32(text[text.index(after: colon)...]) else { return nil }
        self.init(host: String(text[..<colon]), pid: pid)
    }

    public var description: String { "\(host):\(pid)" }

    /// Whether a process with this pid exists on this machine (`kill(pid, 0)`; EPERM means it exists but is
    /// someone else's).
    public static func processExists(_ pid: Int32) -> Bool {
        pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)
    }
}

/// What `claimRun` found.
public enum ClaimOutcome: Equatable, Sendable {
    /// The run is this process's now: its row was (re)written as `running` with this owner.
    case claimed
    /// Another process finished it meanwhile; nothing to do.
    case finishedElsewhere
    /// A live process is training it.
    case heldBy(String)
}

extension ResultStore {
    /// Claims a run for `owner` in one write transaction, so that two `ablate` processes on one database
    /// never train the same run: a run that is `running` under another owner who is alive is left alone
    /// (`.heldBy`); a finished run is left alone unless `replacingFinished` (`--force`); otherwise the run's
    /// row is replaced as `beginRun` does, with `owner` and a fresh heartbeat.
    ///
    /// An owner on this host is alive while its pid exists (a SIGKILLed process frees its runs at once); an
    /// owner on another host (a shared file system) while its heartbeat is younger than `staleAfter`.
    public func claimRun(_ record: RunRecord, owner: RunOwner = .current, replacingFinished: Bool = false,
                         staleAfter: TimeInterval = 600, now: Date = Date(),
                         processExists: (Int32) -> Bool = RunOwner.processExists) throws -> ClaimOutcome {
        try pool.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT status, owner, heartbeat_at FROM runs WHERE run_key = ?",
                                          arguments: [record.runKey]) {
                let status: String = row["status"]
                if status == RunStatus.finished.rawValue && !replacingFinished { return .finishedElsewhere }
                if status == RunStatus.running.rawValue, let text: String = row["owner"], let holder = RunOwner(parsing: text),
                   holder != owner {
                    let alive = holder.host == owner.host
                        ? processExists(holder.pid)
                        : (Timestamp.date(row["heartbeat_at"]).map { now.timeIntervalSince($0) < staleAfter } ?? false)
                    if alive { return .heldBy(text) }
                }
            }
            try Self.insertRun(record, owner: owner, at: now, db)
            return .claimed
        }
    }

    /// Tells other processes that `owner` is still training `runKey`.
    public func heartbeat(runKey: String, owner: RunOwner = .current, at date: Date = Date()) throws {
        try pool.write { db in
            try db.execute(sql: "UPDATE runs SET heartbeat_at = ? WHERE run_key = ? AND owner = ? AND status = 'running'",
                           arguments: [Timestamp.string(date), runKey, owner.description])
        }
    }

    /// The owner recorded on a run (nil when none).
    public func owner(of runKey: String) throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT owner FROM runs WHERE run_key = ?", arguments: [runKey]) }
    }
}
