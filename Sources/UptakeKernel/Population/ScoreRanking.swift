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
        if score.contains(where: \.isNaN) {
            return (0..<n).sorted { score[$0] != score[$1] ? score[$0] > score[$1] : $0 < $1 }
        }
        // Sorted in a function of its own so that its keys (16 bytes a firm) are
        // freed before the order is widened: ranking is the peak of building
        // the population, and the last 8 bytes a firm then come after them.
        return radixOrder(score).map { Int($0) }
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
                        // 0.0 and -0.0 are equal scores: one key for both.
                        let bits = score[i] == 0 ? 0 : score[i].bitPattern
                        // Rising order of doubles as unsigned integers, then flipped for falling.
                        let rising = bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
                        let key = ~rising
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
