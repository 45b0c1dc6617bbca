import UptakeKernel

/// Uniform draws for building designs: a pure function of (experiment seed,
/// purpose, row, column), like the kernel's draws, so a design is the same on
/// every machine, shard and thread count, and never touches a global generator.
struct DesignDraws {
    let rng: CounterRNG

    /// `purpose` separates independent uses (LHS strata, Saltelli's A and B, Morris starts).
    init(seed: UInt64, purpose: UInt64) {
        rng = CounterRNG(seed: CounterRNG.derive(seed, 0x5EED_DE51_0000 &+ purpose))
    }

    /// A uniform double in [0, 1).
    func uniform(row: Int, column: Int, draw: UInt64 = 0) -> Double {
        Double(rng.bits(tick: row, firm: column, stream: 0xDE51, draw: draw) >> 11) * 0x1.0p-53
    }

    /// A whole number in 0..<n.
    func index(below n: Int, row: Int, column: Int, draw: UInt64 = 0) -> Int {
        min(n - 1, Int(uniform(row: row, column: column, draw: draw) * Double(n)))
    }

    /// A permutation of 0..<n (Fisher-Yates), keyed by `column`.
    func permutation(_ n: Int, column: Int, draw: UInt64) -> [Int] {
        var p = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, index(below: i + 1, row: i, column: column, draw: draw))
        }
        return p
    }
}
