import Foundation
import Testing
@testable import NN

struct LRScheduleTests {
    @Test func warmupThenPolyDecay() {
        let s = LRSchedule.warmupPoly(totalSteps: 100, warmupSteps: 10)
        #expect(s.multiplier(at: 0) == 0)
        #expect(s.multiplier(at: 5) == 0.5)
        #expect(s.multiplier(at: 10) == 1)
        #expect(s.multiplier(at: 55) == Float(pow(0.5, 0.9)))       // τ = 45/90
        #expect(s.multiplier(at: 100) == 0)
        #expect(s.multiplier(at: 150) == 0)
        #expect(s.learningRate(at: 55, base: 5e-5) == 5e-5 * Float(pow(0.5, 0.9)))
    }

    @Test func lavtPolyWithoutWarmup() {
        let s = LRSchedule.warmupPoly(totalSteps: 1000)
        #expect(s.multiplier(at: 0) == 1)
        #expect(abs(s.multiplier(at: 300) - Float(pow(0.7, 0.9))) < 1e-7)      // (1 − 300/1000)^0.9
        #expect(abs(s.multiplier(at: 999) / Float(pow(0.001, 0.9)) - 1) < 1e-6)
    }

    @Test func cosineWithFloorAndWarmupStart() {
        let s = LRSchedule.cosine(totalSteps: 110, warmupSteps: 10, floor: 0.1, warmupStart: 0.2)
        #expect(s.multiplier(at: 5) == Float(0.2 + 0.8 * 0.5))
        #expect(s.multiplier(at: 10) == 1)
        #expect(s.multiplier(at: 60) == Float(0.1 + 0.9 * 0.5))    // τ = 1/2: cos(π/2) = 0
        #expect(abs(s.multiplier(at: 35) - Float(0.1 + 0.9 * (1 + cos(Double.pi / 4)) / 2)) < 1e-7)
        #expect(s.multiplier(at: 110) == 0.1)
    }

    @Test func constant() {
        let s = LRSchedule.constant(warmupSteps: 4)
        #expect((0...6).map { s.multiplier(at: $0) } == [0, 0.25, 0.5, 0.75, 1, 1, 1])
        #expect(LRSchedule.constant().multiplier(at: 1234) == 1)
    }
}
