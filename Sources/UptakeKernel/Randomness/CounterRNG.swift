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
        Keyed(seed: seed, tick: tick, stream: stream).bits(firm: firm, draw: draw)
    }

    /// A uniform double in [0, 1) with 53 random bits.
    @inline(__always)
    public func uniform(tick: Int, firm: Int, stream: Stream, draw: UInt64 = 0) -> Double {
        Double(bits(tick: tick, firm: firm, stream: stream.rawValue, draw: draw) >> 11) * 0x1.0p-53
    }

    /// A standard normal draw (Box-Muller on two counter draws).
    public func normal(tick: Int, firm: Int, stream: Stream) -> Double {
        keyed(tick: tick, stream: stream).normal(firm: firm)
    }

    /// The draws of one (tick, stream), for loops over many firms.
    @inline(__always)
    public func keyed(tick: Int, stream: Stream) -> Keyed {
        Keyed(seed: seed, tick: tick, stream: stream.rawValue)
    }

    /// The draws of one (tick, stream): the same numbers as `bits`,
    /// `uniform` and `normal` of the generator, bit for bit, with the two
    /// mixing rounds of the seed, stream and tick done once instead of in
    /// every draw (building a population or a network draws for every firm
    /// or tie on one key, where those rounds were most of a draw).
    ///
    ///     let innovativeness = rng.keyed(tick: -1, stream: .innovativeness)
    ///     let x = innovativeness.normal(firm: 42)  // == rng.normal(tick: -1, firm: 42, stream: .innovativeness)
    public struct Keyed: Sendable {
        /// The key mixed with the seed, stream and tick.
        let key: UInt64

        @inline(__always)
        init(seed: UInt64, tick: Int, stream: UInt64) {
            let h = CounterRNG.mix(seed ^ (stream &* 0xD6E8_FEB8_6659_FD93))
            key = CounterRNG.mix(h ^ UInt64(bitPattern: Int64(tick)))
        }

        /// 64 random bits for one firm's counter.
        @inline(__always)
        public func bits(firm: Int, draw: UInt64 = 0) -> UInt64 {
            let h = CounterRNG.mix(key ^ UInt64(bitPattern: Int64(firm)))
            return draw != 0 ? CounterRNG.mix(h ^ draw) : h
        }

        /// A uniform double in [0, 1) with 53 random bits.
        @inline(__always)
        public func uniform(firm: Int, draw: UInt64 = 0) -> Double {
            Double(bits(firm: firm, draw: draw) >> 11) * 0x1.0p-53
        }

        /// A standard normal draw (Box-Muller on the firm's draws 1 and 2,
        /// which share the firm's round of mixing).
        @inline(__always)
        public func normal(firm: Int) -> Double {
            let h = CounterRNG.mix(key ^ UInt64(bitPattern: Int64(firm)))
            let u1 = max(Double(CounterRNG.mix(h ^ 1) >> 11) * 0x1.0p-53, 0x1.0p-60)
            let u2 = Double(CounterRNG.mix(h ^ 2) >> 11) * 0x1.0p-53
            return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
        }
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
