import Testing
@testable import Figures
import RRSISModels

/// Nice tick ranges worked out by hand with Heckbert's rule: range → nice(range) (1, 2, 5, 10 × 10ᵏ at or
/// above), step → nice(range / (count − 1)) rounded to the closest of 1, 2, 5, 10 × 10ᵏ, bounds widened to
/// whole steps.
struct TicksTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var low: Double, high: Double, count: Int, integer: Bool
        var values: [Double], labels: [String]
        var testDescription: String { "\(low)…\(high) (\(count) ticks\(integer ? ", integer" : ""))" }
    }

    static let cases: [Case] = [
        // range 1 → 1; 1/4 = 0.25 → 0.2.
        Case(low: 0, high: 1, count: 5, integer: false, values: [0, 0.2, 0.4, 0.6, 0.8, 1], labels: ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]),
        // range 0.26 → 0.5; 0.125 → 0.1; 0.31 → 0.3, 0.57 → 0.6.
        Case(low: 0.31, high: 0.57, count: 5, integer: false, values: [0.3, 0.4, 0.5, 0.6], labels: ["0.3", "0.4", "0.5", "0.6"]),
        // range 75 → 100; 25 → 20.
        Case(low: 12, high: 87, count: 5, integer: false, values: [0, 20, 40, 60, 80, 100], labels: ["0", "20", "40", "60", "80", "100"]),
        // A loss curve: range 0.6519 → 1; 0.25 → 0.2; 0.6931 → 0.8.
        Case(low: 0.0412, high: 0.6931, count: 5, integer: false, values: [0, 0.2, 0.4, 0.6, 0.8], labels: ["0.0", "0.2", "0.4", "0.6", "0.8"]),
        // range 11.1 → 20; 5 → 5; −3.2 → −5, 7.9 → 10.
        Case(low: -3.2, high: 7.9, count: 5, integer: false, values: [-5, 0, 5, 10], labels: ["-5", "0", "5", "10"]),
        // range 0.2 → 0.2; 0.05 → 0.05: two decimals.
        Case(low: 0, high: 0.2, count: 5, integer: false, values: [0, 0.05, 0.1, 0.15, 0.2], labels: ["0.00", "0.05", "0.10", "0.15", "0.20"]),
        // A constant 5 widens by ±10 % to 4.5…5.5: range 1 → 1, step 0.2, bounds 4.4 and 5.6.
        Case(low: 5, high: 5, count: 5, integer: false, values: [4.4, 4.6, 4.8, 5, 5.2, 5.4, 5.6], labels: ["4.4", "4.6", "4.8", "5.0", "5.2", "5.4", "5.6"]),
        // Epochs 1…2: the step 0.2 is raised to 1.
        Case(low: 1, high: 2, count: 6, integer: true, values: [1, 2], labels: ["1", "2"]),
        // Epochs 1…4: range 3 → 5; 1 → 1.
        Case(low: 1, high: 4, count: 6, integer: true, values: [1, 2, 3, 4], labels: ["1", "2", "3", "4"]),
        // Epochs 3…40: range 37 → 50; 10 → 10; bounds 0 and 40.
        Case(low: 3, high: 40, count: 6, integer: true, values: [0, 10, 20, 30, 40], labels: ["0", "10", "20", "30", "40"]),
    ]

    @Test(arguments: cases)
    func ticksAreNiceNumbersCoveringTheData(_ c: Case) {
        let ticks = NiceTicks(low: c.low, high: c.high, count: c.count, integer: c.integer)
        #expect(ticks.values == c.values)
        #expect(ticks.values.map(ticks.label) == c.labels)
    }

    @Test func niceNumbers() {
        #expect(NiceTicks.nice(0.25, round: true) == 0.2)
        #expect(NiceTicks.nice(1.49, round: true) == 1)
        #expect(NiceTicks.nice(7.5, round: true) == 10)
        #expect(NiceTicks.nice(3.2, round: false) == 5)
        #expect(NiceTicks.nice(2, round: false) == 2)
        #expect(NiceTicks.nice(0.0031, round: false) == 0.005)
    }
}
