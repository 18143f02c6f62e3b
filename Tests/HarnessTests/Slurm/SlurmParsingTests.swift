import Testing
@testable import Cluster
import RRSISModels

/// Slurm's answers, as sbatch, squeue, sacct and scontrol 22.05 print them (captured from the CI node).
struct SlurmParsingTests {
    @Test(arguments: [("42\n", "42"), ("42;cluster1\n", "42"), ("Submitted batch job 1234\n", "1234"),
                      ("sbatch: warning: something\n77\n", "77")])
    func jobIDs(output: String, id: String) {
        #expect(SlurmClient.jobID(fromSbatch: output) == id)
    }

    @Test func noJobIDInAnError() {
        #expect(SlurmClient.jobID(fromSbatch: "sbatch: error: invalid partition specified: gpu\n") == nil)
    }

    @Test func queueStatesExpandPendingRanges() {
        let text = "2|PENDING\n3|PENDING\n1|RUNNING\n0|RUNNING\n"
        #expect(SlurmClient.queueStates(text) == [0: "RUNNING", 1: "RUNNING", 2: "PENDING", 3: "PENDING"])
        #expect(SlurmClient.queueStates("4-6%2|PENDING\n1,3|PENDING\n") == [1: "PENDING", 3: "PENDING", 4: "PENDING", 5: "PENDING", 6: "PENDING"])
        #expect(SlurmClient.summary([0: "RUNNING", 1: "RUNNING", 2: "PENDING"]) == "1 pending, 2 running")
    }

    @Test func accountingOutcomes() {
        let text = "7_0|COMPLETED|0:0\n7_1|CANCELLED by 0|0:15\n7_2|FAILED|3:0\n7_3|TIMEOUT|0:0\n8_0|COMPLETED|0:0\n"
        let outcomes = SlurmClient.accountingOutcomes(text, jobID: "7")
        #expect(outcomes == [0: TaskOutcome(state: "COMPLETED", exitCode: 0), 1: TaskOutcome(state: "CANCELLED", exitCode: 0),
                             2: TaskOutcome(state: "FAILED", exitCode: 3), 3: TaskOutcome(state: "TIMEOUT", exitCode: 0)])
        #expect(outcomes[0]!.succeeded && !outcomes[1]!.succeeded && !outcomes[2]!.succeeded && !outcomes[3]!.succeeded)
    }

    @Test func controllerOutcomesWithoutAccounting() {
        let text = """
            JobId=10 ArrayJobId=7 ArrayTaskId=2 ArrayTaskThrottle=2 JobName=t3.sh UserId=root(0) GroupId=root(0) MCS_label=N/A \
            Priority=4294901756 Nice=0 Account=(null) QOS=(null) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) Requeue=1 \
            Restarts=0 BatchFlag=1 Reboot=0 ExitCode=3:0 RunTime=00:00:03 TimeLimit=UNLIMITED StdOut=/tmp/h8-sb/t3-7_2.log Power=
            JobId=8 ArrayJobId=7 ArrayTaskId=0 ArrayTaskThrottle=2 JobName=t3.sh JobState=COMPLETED Reason=None ExitCode=0:0 RunTime=00:00:03
            JobId=7 ArrayJobId=7 ArrayTaskId=3-4%2 JobState=PENDING Reason=JobArrayTaskLimit ExitCode=0:0
            """
        #expect(SlurmClient.controllerOutcomes(text) == [2: TaskOutcome(state: "FAILED", exitCode: 3), 0: TaskOutcome(state: "COMPLETED", exitCode: 0)])
    }
}
