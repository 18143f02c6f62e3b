import Foundation
import Testing
@testable import RunStore
@testable import Runner
import RRSISModels

/// `claimRun`: the transaction that keeps two processes on one database from training the same run.
struct ClaimTests {
    let me = RunOwner(host: "node-a", pid: 100)
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func store(_ dir: TempDir) throws -> ResultStore { try ResultStore(path: dir.path + "/claims.sqlite") }

    @Test func aFreeRunIsClaimedWithOwnerAndHeartbeat() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let s = try store(dir)
        #expect(try s.claimRun(StoreTests.record("k"), owner: me, now: t0) == .claimed)
        #expect(try s.owner(of: "k") == "node-a:100")
        #expect(try s.statuses(of: ["k"]) == ["k": .running])
        try s.heartbeat(runKey: "k", owner: me, at: t0.addingTimeInterval(30))
        let beat = try s.pool.read { try String.fetchOne($0, sql: "SELECT heartbeat_at FROM runs WHERE run_key = 'k'") }
        #expect(beat == "2027-01-15T08:00:30.000Z")
        try s.heartbeat(runKey: "k", owner: RunOwner(host: "node-b", pid: 7), at: t0.addingTimeInterval(99))   // not the owner: no effect
        #expect(try s.pool.read { try String.fetchOne($0, sql: "SELECT heartbeat_at FROM runs WHERE run_key = 'k'") } == beat)
    }

    @Test func aRunHeldByALiveProcessOnThisHostIsLeftAloneUntilThatProcessIsGone() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let s = try store(dir)
        let other = RunOwner(host: "node-a", pid: 200)
        #expect(try s.claimRun(StoreTests.record("k"), owner: other, now: t0) == .claimed)
        // Same host: the pid decides, however old the heartbeat.
        #expect(try s.claimRun(StoreTests.record("k"), owner: me, now: t0.addingTimeInterval(86_400), processExists: { $0 == 200 })
                == .heldBy("node-a:200"))
        #expect(try s.owner(of: "k") == "node-a:200")
        #expect(try s.claimRun(StoreTests.record("k"), owner: me, now: t0, processExists: { _ in false }) == .claimed)
        #expect(try s.owner(of: "k") == "node-a:100")
        // Its own claim is always the owner's to take again.
        #expect(try s.claimRun(StoreTests.record("k"), owner: me, now: t0, processExists: { _ in true }) == .claimed)
    }

    @Test func aRunHeldFromAnotherHostIsFreeOnceItsHeartbeatIsStale() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let s = try store(dir)
        let remote = RunOwner(host: "node-b", pid: 100)   // same pid, other host: pids say nothing across hosts
        #expect(try s.claimRun(StoreTests.record("k"), owner: remote, now: t0) == .claimed)
        #expect(try s.claimRun(StoreTests.record("k"), owner: me, staleAfter: 600, now: t0.addingTimeInterval(599), processExists: { _ in false })
                == .heldBy("node-b:100"))
        #expect(try s.claimRun(StoreTests.record("k"), owner: me, staleAfter: 600, now: t0.addingTimeInterval(600), processExists: { _ in true })
                == .claimed)
    }

    @Test func finishedRunsAreLeftAloneUnlessForcedAndFailedOrOwnerlessRunsAreFree() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let s = try store(dir)
        try s.beginRun(StoreTests.record("done"))
        try s.finishRun(runKey: "done", metrics: [MetricValue(split: "test", name: "mIoU", value: 0.5)], costs: [])
        #expect(try s.claimRun(StoreTests.record("done"), owner: me, now: t0) == .finishedElsewhere)
        #expect(try s.metrics(runKey: "done").count == 1)
        #expect(try s.claimRun(StoreTests.record("done"), owner: me, replacingFinished: true, now: t0) == .claimed)
        #expect(try s.metrics(runKey: "done").isEmpty && s.statuses(of: ["done"]) == ["done": .running])

        try s.beginRun(StoreTests.record("legacy"))           // a run begun without an owner (older build, or killed)
        #expect(try s.claimRun(StoreTests.record("legacy"), owner: me, now: t0, processExists: { _ in true }) == .claimed)
        try s.claimRun(StoreTests.record("failed"), owner: RunOwner(host: "node-a", pid: 300), now: t0)
        try s.failRun(runKey: "failed", message: "boom")
        #expect(try s.claimRun(StoreTests.record("failed"), owner: me, now: t0, processExists: { _ in true }) == .claimed)
    }

    @Test func ownersParseAndThisProcessExists() {
        #expect(RunOwner(parsing: "fe80::1:4242") == RunOwner(host: "fe80::1", pid: 4242))
        #expect(RunOwner(parsing: "nohost") == nil && RunOwner(parsing: "h:x") == nil)
        #expect(RunOwner.processExists(getpid()))
        #expect(!RunOwner.processExists(0) && !RunOwner.processExists(-1))
    }

    @Test func aMergedUnfinishedRunArrivesWithoutItsWorkersClaim() throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let main = try ResultStore(path: dir.path + "/main.sqlite"), worker = try ResultStore(path: dir.path + "/worker.sqlite")
        let remote = RunOwner(host: "node-b", pid: 9)
        #expect(try worker.claimRun(StoreTests.record("cut"), owner: remote, now: Date()) == .claimed)   // killed mid-run
        #expect(try main.merge(from: worker) == ["cut"])
        #expect(try main.owner(of: "cut") == nil && main.statuses(of: ["cut"]) == ["cut": .running])
        #expect(try main.claimRun(StoreTests.record("cut"), owner: me, now: Date(), processExists: { _ in true }) == .claimed)
        #expect(try worker.owner(of: "cut") == "node-b:9")   // the worker's own file is not changed
    }
}
