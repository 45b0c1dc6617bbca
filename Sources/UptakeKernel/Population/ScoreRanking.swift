/// Orders firms by a score, highest first, ties by firm number.
enum ScoreRanking {
    /// Firm numbers by falling `score`, ties by rising firm number: the order
    /// `(0..<n).sorted { s[$0] != s[$1] ? s[$0] > s[$1] : $0 < $1 }` gives.
    ///
    /// Why a radix sort: the comparison sort took about 20 comparisons a firm
    /// through a closure (900 million instructions for a million firms, more
    /// than drawing the firms). Each score becomes a 64-bit key whose unsigned
    /// order is the scores' falling order; a stable least-significant-digit
    /// sort of the keys, 11 bits a pass (six passes; 2,048 counters a pass
    /// stay in the first-level cache, and two fewer passes over the keys than
    /// 8 bits a pass), over firm numbers in rising order keeps ties in rising
    /// firm order. Passes where every key has the same digit are skipped.
    /// Scores with a NaN (no order) take the comparison sort.
    static func descending(_ score: [Double]) -> [Int] {
        let n = score.count
        if score.contains(where: { $0.isNaN }) {
            return (0..<n).sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
        }
        // Sorted in a function of its own so that its keys (16 bytes a firm) are
        // freed before the order is widened to 8 bytes a firm.
        return radixOrder(score).map { Int($0) }
    }

    /// For each firm, how many of `bounds` its rank reaches: with r its place in
    /// `descending(score)` (0 first), the number of bounds b with r >= b.
    /// `bounds` rise. Adopter categories are the bands of the category
    /// cut-offs; the first k firms are band 0 of `[k]`.
    ///
    /// Why not rank every firm: a band needs only the firm at each bound's
    /// rank. Those are found by a count of the scores in buckets of equal
    /// width (which bucket holds rank b), a sort of the few firms in that
    /// bucket, and a comparison of every firm with them: a few passes over the
    /// scores instead of a six-pass sort that moved 12 bytes a firm in each.
    /// (Scores all in one bucket, such as a firms file giving every firm the
    /// same innovativeness, make that sort one of every firm: still correct.)
    static func bands(_ score: [Double], bounds: [Int]) -> [UInt8] {
        let n = score.count
        precondition(bounds.count < 255 && zip(bounds, bounds.dropFirst()).allSatisfy { $0 <= $1 })
        // The lowest and highest finite score, and whether any is NaN (no order: the full sort).
        var low = Double.infinity, high = -Double.infinity, hasNaN = false
        for s in score {
            if s.isNaN { hasNaN = true }
            if s.isFinite {
                low = min(low, s)
                high = max(high, s)
            }
        }
        if hasNaN {
            var band = [UInt8](repeating: 0, count: n)
            for (rank, firm) in descending(score).enumerated() {
                band[firm] = UInt8(bounds.lazy.filter { rank >= $0 }.count)
            }
            return band
        }
        // Bounds at or below rank 0 are reached by every firm; at or past n by none.
        let everyone = UInt8(bounds.lazy.filter { $0 <= 0 }.count)
        let inside = bounds.filter { $0 > 0 && $0 < n }
        guard !inside.isEmpty else { return [UInt8](repeating: everyone, count: n) }
        // Buckets: about one for every 4 firms, up to 2^16 (their counters stay in
        // cache), of equal width between the lowest and highest finite score, so
        // scores bunched in a narrow range still spread over them; bucket 0 holds the
        // highest scores. The bucket of a score never falls as the score falls (each
        // step is monotone), so buckets follow the ranking; infinities take the ends.
        let buckets = 1 << min(16, max(1, Int.bitWidth - (n / 4).leadingZeroBitCount))
        // Halves, so that neither the width nor a distance overflows; a share of the width
        // (at most 1) times the buckets, since buckets / width overflows for a tiny width.
        let width = high / 2 - low / 2
        var bucketOf = [UInt16](repeating: 0, count: n)
        var counts = [Int32](repeating: 0, count: buckets)
        score.withUnsafeBufferPointer { score in
            bucketOf.withUnsafeMutableBufferPointer { bucketOf in
                counts.withUnsafeMutableBufferPointer { counts in
                    for i in 0..<n {
                        let s = score[i]
                        let rising =
                            !s.isFinite
                            ? (s > 0 ? buckets - 1 : 0)
                            : width > 0 ? min(Int((s / 2 - low / 2) / width * Double(buckets)), buckets - 1) : 0
                        let b = buckets - 1 - rising
                        bucketOf[i] = UInt16(truncatingIfNeeded: b)
                        counts[b] &+= 1
                    }
                }
            }
        }
        // The bucket holding each inside bound's rank, and the rank its bucket starts at.
        var cutBucket: [Int] = [], startOf: [Int] = []
        var total = 0, next = 0
        for b in inside {
            while total + Int(counts[next]) <= b {
                total += Int(counts[next])
                next += 1
            }
            cutBucket.append(next)
            startOf.append(total)
        }
        // A firm's band is its bucket's, the bounds whose bucket comes before it, unless its
        // bucket holds a bound's rank (marked): then it is compared with the firm at that rank.
        let marked = UInt8.max
        var bandOf = [UInt8](repeating: everyone, count: buckets)
        for b in 0..<buckets {
            bandOf[b] = everyone &+ UInt8(cutBucket.lazy.filter { $0 < b }.count)
        }
        for b in cutBucket { bandOf[b] = marked }
        // The firms of those buckets (a few of the n), sorted by key and firm number.
        var members: [(key: UInt64, firm: Int)] = []
        for i in 0..<n where bandOf[Int(bucketOf[i])] == marked { members.append((key(score[i]), i)) }
        members.sort { $0.key != $1.key ? $0.key < $1.key : $0.firm < $1.firm }
        // The firm at each inside bound's rank: a firm reaches the bound when it is that one or comes after it.
        let cutoffs = inside.indices.map { c in
            members[members.firstIndex { Int(bucketOf[$0.firm]) == cutBucket[c] }! + inside[c] - startOf[c]]
        }
        var band = [UInt8](repeating: everyone, count: n)
        band.withUnsafeMutableBufferPointer { band in
            for i in 0..<n {
                let b = Int(bucketOf[i])
                guard bandOf[b] == marked else {
                    band[i] = bandOf[b]
                    continue
                }
                let k = key(score[i])
                var reached = everyone
                for (c, cutoff) in cutoffs.enumerated()
                where cutBucket[c] < b || (k > cutoff.key || (k == cutoff.key && i >= cutoff.firm)) {
                    reached &+= 1
                }
                band[i] = reached
            }
        }
        return band
    }

    /// A 64-bit key whose unsigned order is the falling order of the scores (no NaN).
    @inline(__always)
    private static func key(_ score: Double) -> UInt64 {
        // 0.0 and -0.0 are equal scores: one key for both.
        let bits = score == 0 ? 0 : score.bitPattern
        // Rising order of doubles as unsigned integers, then flipped for falling.
        let rising = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
        return ~rising
    }

    /// Firm numbers by falling score (no NaN), ties by rising firm number.
    private static func radixOrder(_ score: [Double]) -> [Int32] {
        let n = score.count
        var keys = [UInt64](repeating: 0, count: n)
        let digitBits = 11, passes = 6, radix = 1 << digitBits, mask = UInt64(radix - 1)
        var counts = [Int](repeating: 0, count: passes * radix)
        score.withUnsafeBufferPointer { score in
            keys.withUnsafeMutableBufferPointer { keys in
                counts.withUnsafeMutableBufferPointer { counts in
                    for i in 0..<n {
                        let key = key(score[i])
                        keys[i] = key
                        for pass in 0..<passes {
                            let digit = Int(truncatingIfNeeded: (key >> UInt64(pass &* digitBits)) & mask)
                            counts[pass &* radix &+ digit] &+= 1
                        }
                    }
                }
            }
        }
        var order = [Int32](0..<Int32(n))
        var nextKeys = keys, nextOrder = order
        for pass in 0..<passes where !counts[pass * radix..<(pass + 1) * radix].contains(n) {
            var start = [Int](repeating: 0, count: radix)
            var total = 0
            for digit in 0..<radix {
                start[digit] = total
                total += counts[pass * radix + digit]
            }
            let shift = UInt64(pass * digitBits)
            keys.withUnsafeBufferPointer { keys in
                order.withUnsafeBufferPointer { order in
                    nextKeys.withUnsafeMutableBufferPointer { nextKeys in
                        nextOrder.withUnsafeMutableBufferPointer { nextOrder in
                            for k in 0..<n {
                                let digit = Int((keys[k] >> shift) & mask)
                                let to = start[digit]
                                start[digit] = to &+ 1
                                nextKeys[to] = keys[k]
                                nextOrder[to] = order[k]
                            }
                        }
                    }
                }
            }
            swap(&keys, &nextKeys)
            swap(&order, &nextOrder)
        }
        return order
    }
}
