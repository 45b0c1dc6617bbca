import Foundation
import UptakeKernel
import XCTest

@testable import UptakeBatch

/// ABC-SMC against models whose posterior is known: y = theta + N(0, sigma)
/// with a uniform prior, so the posterior of theta given y is (nearly) N(y, sigma).
final class ABCSMCTests: XCTestCase {
    /// A noisy observation of theta, a pure function of the particle (so runs are reproducible).
    static func simulate(_ theta: [Double], sigma: Double, key: UInt64) -> [Double] {
        let rng = CounterRNG(seed: key)
        return theta.indices.map { d in
            let u1 = max(rng.uniform(tick: 0, firm: d, stream: .plugin), 1e-300)
            let u2 = rng.uniform(tick: 1, firm: d, stream: .plugin)
            return theta[d] + sigma * (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
        }
    }

    static func fit(observed: [Double], sigma: Double, seed: UInt64, generations: Int = 6) -> ABCSMC.Population {
        let abc = ABCSMC(dimensions: observed.count, proposals: 500, quantile: 0.2, seed: seed)
        var population: ABCSMC.Population?
        for g in 0..<generations {
            let particles = abc.propose(generation: g, after: population)
            let distances = particles.enumerated().map { i, theta -> Double in
                let y = simulate(theta, sigma: sigma, key: CounterRNG.derive(seed, UInt64(g * 100_000 + i)))
                return zip(y, observed).map { ($0 - $1) * ($0 - $1) }.reduce(0, +).squareRoot()
            }
            population = abc.accept(particles: particles, distances: distances, after: population)
            if ProcessInfo.processInfo.environment["ABC_DEBUG"] != nil {
                print(
                    "gen \(g) tol \(population!.tolerance) mean \(population!.mean(0)) ess \(population!.effectiveSampleSize) n \(population!.particles.count)"
                )
            }
        }
        return population!
    }

    func testPosteriorMatchesTheKnownOne() {
        let sigma = 0.05
        let p = Self.fit(observed: [0.4, 0.7], sigma: sigma, seed: 11)
        for (d, y) in [0.4, 0.7].enumerated() {
            let mean = p.mean(d)
            let sd = p.particles.indices.map { p.normalisedWeights[$0] * pow(p.particles[$0][d] - mean, 2) }.reduce(
                0, +
            )
            .squareRoot()
            XCTAssertEqual(mean, y, accuracy: 0.02, "dimension \(d)")
            XCTAssertEqual(sd, sigma, accuracy: 0.02, "dimension \(d): sd \(sd)")
        }
        XCTAssertGreaterThan(p.effectiveSampleSize, 50)
        XCTAssertLessThan(p.tolerance, 0.1)
    }

    /// Over repeated trials with the true theta drawn from the prior, the 90% interval covers it about 90% of the time.
    func testNinetyPercentIntervalsCoverTheTruthAboutNinetyPercentOfTheTime() {
        let trials = 30
        var covered = 0
        for t in 0..<trials {
            let truth = 0.15 + 0.7 * Double(t) / Double(trials - 1)
            let observed = Self.simulate([truth], sigma: 0.05, key: CounterRNG.derive(99, UInt64(t)))
            let p = Self.fit(observed: observed, sigma: 0.05, seed: UInt64(1000 + t), generations: 5)
            if p.quantile(0.05, 0) <= truth && truth <= p.quantile(0.95, 0) { covered += 1 }
        }
        let coverage = Double(covered) / Double(trials)
        print("ABC-SMC 90% interval coverage over \(trials) trials: \(coverage)")
        XCTAssertGreaterThanOrEqual(coverage, 0.75)
        XCTAssertLessThanOrEqual(coverage, 1.0)
    }

    /// A generation whose proposals all land farther than the last tolerance keeps only those within it.
    func testTheToleranceNeverGrows() {
        let abc = ABCSMC(dimensions: 1, proposals: 20, seed: 3)
        let first = abc.propose(generation: 0, after: nil)
        let population = abc.accept(particles: first, distances: first.indices.map { Double($0) }, after: nil)
        XCTAssertEqual(population.tolerance, 3)
        let next = abc.propose(generation: 1, after: population)
        let worse = abc.accept(particles: next, distances: next.indices.map { 2.5 + Double($0) }, after: population)
        XCTAssertEqual(worse.tolerance, 3)
        XCTAssertEqual(worse.particles.count, 1)
    }

    func testProposalsAreReproducibleAndInsideThePrior() {
        let abc = ABCSMC(dimensions: 3, proposals: 50, seed: 5)
        let first = abc.propose(generation: 0, after: nil)
        XCTAssertEqual(first, abc.propose(generation: 0, after: nil))
        let population = abc.accept(particles: first, distances: first.map { $0.reduce(0, +) }, after: nil)
        XCTAssertEqual(population.particles.count, 10)  // the default keeps a fifth
        let next = abc.propose(generation: 1, after: population)
        XCTAssertEqual(next, abc.propose(generation: 1, after: population))
        XCTAssertTrue(next.allSatisfy { $0.allSatisfy { (0...1).contains($0) } })
        // A failed run (NaN distance) is never accepted.
        let withFailure = abc.accept(particles: first, distances: first.indices.map { $0 == 0 ? .nan : 1 }, after: nil)
        XCTAssertFalse(withFailure.particles.contains(first[0]))
    }
}
