import Foundation
import Testing
@testable import Statistics
import RRSISModels

struct SeedStatsTests {
    @Test func incompleteBetaMatchesClosedFormsAndReferenceValues() {
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_½(a, a) = ½.
        #expect(abs(SeedStats.regularizedIncompleteBeta(1, 1, 0.37) - 0.37) < 1e-12)
        #expect(abs(SeedStats.regularizedIncompleteBeta(3, 1, 0.6) - 0.216) < 1e-12)
        #expect(abs(SeedStats.regularizedIncompleteBeta(4.5, 4.5, 0.5) - 0.5) < 1e-12)
        // scipy.special.betainc reference values (both branches of the continued fraction).
        #expect(abs(SeedStats.regularizedIncompleteBeta(2.5, 0.5, 0.3) - 0.018927124071945658) < 1e-12)
        #expect(abs(SeedStats.regularizedIncompleteBeta(7, 3, 0.9) - 0.947027862) < 1e-9)
        #expect(SeedStats.regularizedIncompleteBeta(2, 3, 0) == 0 && SeedStats.regularizedIncompleteBeta(2, 3, 1) == 1)
    }

    @Test(arguments: [-3.0, -0.4, 0.0, 0.8, 2.5, 40.0])
    func studentCDFMatchesTheClosedFormsForOneAndTwoDegreesOfFreedom(t: Double) {
        // df = 1 is the Cauchy distribution; df = 2 has F(t) = ½ + t / (2√(2 + t²)).
        #expect(abs(SeedStats.studentCDF(t, degreesOfFreedom: 1) - (0.5 + atan(t) / .pi)) < 1e-12)
        #expect(abs(SeedStats.studentCDF(t, degreesOfFreedom: 2) - (0.5 + t / (2 * (2 + t * t).squareRoot()))) < 1e-12)
    }

    @Test func studentTailsMatchTables() {
        // The two-sided 5% critical value at 10 df is 2.228139; scipy.stats.t.cdf(-1.5, 3.7) = 0.10679908460100675.
        #expect(abs(SeedStats.twoSidedP(t: 2.228138852, degreesOfFreedom: 10) - 0.05) < 1e-9)
        #expect(abs(SeedStats.studentCDF(-1.5, degreesOfFreedom: 3.7) - 0.10679908460100675) < 1e-12)
        #expect(SeedStats.twoSidedP(t: .infinity, degreesOfFreedom: 4) == 0)
    }

    @Test func welchMatchesAHandComputedExample() throws {
        // a = 1…4 (mean 2.5, s² = 5/3), b = 2a (mean 5, s² = 20/3): se² = 5/12 + 5/3 = 25/12, t = 2.5/√(25/12) = √3,
        // df = (25/12)² / ((5/12)²/3 + (5/3)²/3) = 75/17; scipy.stats.ttest_ind(equal_var=False) p = 0.15158050484530375.
        let w = try #require(SeedStats.welch([1, 2, 3, 4], [2, 4, 6, 8]))
        #expect(abs(w.t - 3.0.squareRoot()) < 1e-12)
        #expect(abs(w.degreesOfFreedom - 75.0 / 17) < 1e-12)
        #expect(abs(w.p - 0.15158050484530375) < 1e-10)
        #expect(w.difference == 2.5)
        // Swapping the sides flips t and keeps p.
        let back = try #require(SeedStats.welch([2, 4, 6, 8], [1, 2, 3, 4]))
        #expect(abs(back.t + 3.0.squareRoot()) < 1e-12 && abs(back.p - w.p) < 1e-14)
    }

    @Test func welchEdgeCases() throws {
        #expect(SeedStats.welch([1], [1, 2]) == nil)
        #expect(SeedStats.welch([1, 2], []) == nil)
        let same = try #require(SeedStats.welch([3, 3], [3, 3, 3]))
        #expect(same.p == 1 && same.t == 0)
        let shifted = try #require(SeedStats.welch([3, 3], [4, 4]))
        #expect(shifted.p == 0 && shifted.t == .infinity)
    }

    @Test func medianAndSpread() {
        #expect(SeedStats.median([5, 1, 3]) == 3)
        #expect(SeedStats.median([4, 1, 3, 10]) == 3.5)
        #expect(SeedStats.median([]).isNaN)
        #expect(abs(SeedStats.variance([1, 2, 3, 4]) - 5.0 / 3) < 1e-12)
    }
}
