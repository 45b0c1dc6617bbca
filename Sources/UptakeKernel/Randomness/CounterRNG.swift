/// Counter-based randomness: every draw is a pure function of
/// (run seed, tick, firm, stream), so firms can be updated in any order, on
/// any number of threads, and get the same numbers.
///
/// The mixing function is SplitMix64's finaliser (a bijection on 64 bits with
/// good avalanche), applied once per key component so that neighbouring
/// counters give unrelated outputs.
///
///     let rng = CounterRNG(seed: 7)
///     let u = rng.uniform(tick: 3, firm: 42, stream: .awareness)  // in [0, 1)
public struct CounterRNG: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    /// Independent streams, one per kind of decision, so that adding a draw
    /// for one decision never shifts the numbers another decision sees.
    public enum Stream: UInt64, Sendable {
        case innovativeness = 1, sector, size, region, threshold, budget, initialStage
        case network, networkRewire
        case awareness = 20, persuasion, decision, trial, confirmation, reentry, bass
        case plugin = 40
    }

    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// 64 random bits for one (tick, firm, stream) counter.
    @inline(__always)
    public func bits(tick: Int, firm: Int, stream: UInt64, draw: UInt64 = 0) -> UInt64 {
        var h = CounterRNG.mix(seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
        h = CounterRNG.mix(h ^ UInt64(bitPattern: Int64(tick)))
        h = CounterRNG.mix(h ^ UInt64(bitPattern: Int64(firm)))
        if draw != 0 { h = CounterRNG.mix(h ^ draw) }
        return h
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public func uniform(tick: Int, firm: Int, stream: Stream, draw: UInt64 = 0) -> Double {
        Double(bits(tick: tick, firm: firm, stream: stream.rawValue, draw: draw) >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Box-Muller on two counter draws).
    public func normal(tick: Int, firm: Int, stream: Stream) -> Double {
        let u1 = max(uniform(tick: tick, firm: firm, stream: stream, draw: 1), 0x1.0p-60)
        let u2 = uniform(tick: tick, firm: firm, stream: stream, draw: 2)
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// A derived seed, e.g. for replicate `r` of an experiment or a plugin's stream.
    public static func derive(_ seed: UInt64, _ salt: UInt64) -> UInt64 {
        mix(mix(seed) ^ mix(salt &+ 0x632B_E59B_D9B4_E019))
    }
}

#if canImport(Glibc)
    import Glibc
    @inline(__always) func _log(_ x: Double) -> Double { Glibc.log(x) }
    @inline(__always) func _cos(_ x: Double) -> Double { Glibc.cos(x) }
#else
    import Foundation
    @inline(__always) func _log(_ x: Double) -> Double { Foundation.log(x) }
    @inline(__always) func _cos(_ x: Double) -> Double { Foundation.cos(x) }
#endif
