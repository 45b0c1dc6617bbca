import Foundation

/// PRIM, the patient rule induction method (Friedman and Fisher 1999), as
/// scenario discovery uses it (Bryant and Lempert 2010): find a box, a range
/// of each input, inside which the cases of interest are concentrated.
///
/// Starting from the box that holds every row, PRIM *peels*: of all the
/// candidate boxes that cut a thin slice (`peelAlpha` of the rows in the
/// box) off one side of one input, or one value off a categorical input, it
/// keeps the one that raises the share of cases most per row removed, and
/// goes on while that gain is positive and the box keeps at least
/// `massMin` of all rows. Then it *pastes*: it widens a restricted side by a
/// thin slice (`pasteAlpha`), or adds a category back, while that raises
/// the share of cases. Each accepted box is a step of the `trajectory`,
/// from coverage 1 (every case, at the cases' overall share) towards
/// smaller, denser boxes; the analyst picks a step on that trade-off.
///
/// The steps are those of EMA Workbench's `prim.Prim(x, y).find_box()`
/// (versions 2.5 and 3.0) on the same rows:
/// - *candidates*: for a continuous input the `peelAlpha` and
///   1 - `peelAlpha` quantiles of the rows in the box, computed as EMA's
///   `get_quantile` (sdtoolkit's: the midpoint between the two values
///   around the quantile's position, stepping past equal values, so a
///   limit falls between two values the input takes); for an input whose
///   values are all whole numbers (which pandas reads as integers), EMA's
///   discrete peel, whose limit is a value the input takes; for a
///   categorical input, one candidate per category in the box, without it;
/// - *objective*: EMA's default LENIENT1, the gain in the share of cases
///   divided by the number of rows removed (or added, when pasting);
/// - *ties*: the larger objective wins, then the candidate leaving more
///   inputs unrestricted, then the first in this order: continuous inputs,
///   whole-number inputs, categorical inputs (each in the given order),
///   the upper side before the lower when peeling and the lower before the
///   upper when pasting, categories in sorted order. EMA uses the same
///   order but for categories, which it visits in Python's set order;
/// - *pasting*: candidates on every restricted input, the slice being the
///   `pasteAlpha` quantile of the rows just outside that side and inside
///   the other limits; accepted when the mass grows, the objective is
///   positive and the share of cases rises.
///
/// Two deliberate differences from EMA: pasting also considers whole-number
/// and categorical inputs when no continuous input is restricted (EMA's
/// loop returns before reaching them), and a pasted whole-number limit is
/// moved outward to the nearest value the input takes (EMA 2.5 leaves it
/// between two values, so the paste adds no row; 3.0 truncates it toward
/// zero, which widens a lower limit but never an upper one).
///
///     let prim = Prim(dimensions: [.init(name: "x", numbers: xs)], cases: ys)
///     prim.trajectory.last?.density  // the densest box
public struct Prim: Sendable {
    /// How an input is peeled and pasted.
    public enum Kind: String, Sendable {
        /// Quantile-based limits between the values the input takes.
        case continuous
        /// Every value a whole number: limits are values the input takes.
        case discrete
        /// Unordered values: categories are removed (or added back) one at a time.
        case categorical
    }

    /// One input: its value in every row.
    public struct Dimension: Sendable {
        public var name: String
        public var kind: Kind
        /// The value in each row; for a categorical input, the index of its category.
        public var values: [Double]
        /// A categorical input's values, sorted; empty otherwise.
        public var categories: [String]

        /// A numeric input: discrete when every value is a whole number, else continuous.
        public init(name: String, numbers: [Double]) {
            self.name = name
            kind = numbers.allSatisfy { $0 == $0.rounded() } ? .discrete : .continuous
            values = numbers
            categories = []
        }

        /// A categorical input from each row's value.
        public init(name: String, categories texts: [String]) {
            self.name = name
            kind = .categorical
            categories = Array(Set(texts)).sorted()
            let code = Dictionary(uniqueKeysWithValues: categories.enumerated().map { ($1, Double($0)) })
            values = texts.map { code[$0]! }
        }
    }

    /// The limits of a box on one input.
    public enum Limit: Sendable, Equatable {
        /// Both ends included.
        case interval(lower: Double, upper: Double)
        /// The categories inside (indices into `Dimension.categories`).
        case categories(Set<Int>)

        func contains(_ x: Double) -> Bool {
            switch self {
            case let .interval(lower, upper): return lower <= x && x <= upper
            case .categories(let inside): return inside.contains(Int(x))
            }
        }
    }

    /// Which side of an input a step moved.
    public enum Side: Sendable, Equatable {
        case lower, upper
        /// A categorical input's category, removed by a peel or added by a paste.
        case category(Int)
    }

    /// How a step was reached from the one before.
    public enum Move: Sendable, Equatable {
        /// Step 0: the box that holds every row.
        case start
        case peel(dimension: Int, side: Side)
        case paste(dimension: Int, side: Side)
    }

    /// One box of the peeling and pasting trajectory.
    public struct Step: Sendable {
        public var move: Move
        /// One limit per dimension.
        public var limits: [Limit]
        /// Rows inside the box.
        public var count: Int
        /// Cases of interest inside the box.
        public var cases: Int
        /// Share of all cases of interest that are inside the box.
        public var coverage: Double
        /// Share of the box's rows that are cases of interest.
        public var density: Double
        /// Share of all rows inside the box.
        public var mass: Double
        /// The dimensions whose limits differ from the box of every row.
        public var restricted: [Int]
    }

    /// PRIM's parameters; the defaults are EMA Workbench's.
    public struct Options: Sendable, Equatable {
        /// The share of a box's rows one peel removes (EMA: 0.05).
        public var peelAlpha = 0.05
        /// The share of the rows just outside a side one paste adds (EMA: 0.05).
        public var pasteAlpha = 0.05
        /// The smallest box, as a share of all rows (EMA: 0.05).
        public var massMin = 0.05

        public init(peelAlpha: Double = 0.05, pasteAlpha: Double = 0.05, massMin: Double = 0.05) {
            self.peelAlpha = peelAlpha
            self.pasteAlpha = pasteAlpha
            self.massMin = massMin
        }
    }

    public let dimensions: [Dimension]
    /// Whether each row is a case of interest.
    public let cases: [Bool]
    public let options: Options
    /// The box that holds every row: each input's smallest and largest value, or all its categories.
    public let initialLimits: [Limit]
    /// Step 0 (every row), then each accepted peel, then each accepted paste.
    public private(set) var trajectory: [Step] = []

    /// Candidates are visited continuous inputs first, then whole-number, then categorical (EMA's order).
    let candidateOrder: [Int]
    let totalCases: Int

    /// Runs PRIM. `cases` has one entry per row, and so does each dimension's `values`; at least one row.
    public init(dimensions: [Dimension], cases: [Bool], options: Options = Options()) {
        precondition(!cases.isEmpty && dimensions.allSatisfy { $0.values.count == cases.count })
        self.dimensions = dimensions
        self.cases = cases
        self.options = options
        totalCases = cases.filter { $0 }.count
        initialLimits = dimensions.map { d in
            switch d.kind {
            case .categorical: return .categories(Set(d.values.map { Int($0) }))
            case .continuous, .discrete: return .interval(lower: d.values.min()!, upper: d.values.max()!)
            }
        }
        let rank: [Kind: Int] = [.continuous: 0, .discrete: 1, .categorical: 2]
        candidateOrder = dimensions.indices.sorted { a, b in
            let ra = rank[dimensions[a].kind]!, rb = rank[dimensions[b].kind]!
            return ra != rb ? ra < rb : a < b
        }
        var box = Box(limits: initialLimits, rows: Array(cases.indices), cases: totalCases, move: .start)
        record(box)
        while let next = bestPeel(of: box) {
            box = next
            record(box)
        }
        while let next = bestPaste(of: box) {
            box = next
            record(box)
        }
    }

    /// The first step (the one with the largest coverage) whose density is at least `density`.
    public func firstStep(withDensityAtLeast density: Double) -> Int? {
        trajectory.firstIndex { $0.density >= density }
    }

    /// The rows inside a step's box.
    public func rows(inside step: Int) -> [Int] {
        let limits = trajectory[step].limits
        return cases.indices.filter { inside($0, limits) }
    }

    // MARK: - Peeling and pasting

    /// A candidate box, or an accepted one.
    struct Box {
        var limits: [Limit]
        /// Rows inside, ascending.
        var rows: [Int]
        var cases: Int
        var move: Move
    }

    mutating func record(_ box: Box) {
        let n = Double(cases.count)
        trajectory.append(
            Step(
                move: box.move, limits: box.limits, count: box.rows.count, cases: box.cases,
                coverage: Double(box.cases) / Double(max(totalCases, 1)),
                density: Double(box.cases) / Double(box.rows.count), mass: Double(box.rows.count) / n,
                restricted: restricted(box.limits)))
    }

    func restricted(_ limits: [Limit]) -> [Int] {
        limits.indices.filter { limits[$0] != initialLimits[$0] }
    }

    func inside(_ row: Int, _ limits: [Limit]) -> Bool {
        for j in limits.indices where !limits[j].contains(dimensions[j].values[row]) { return false }
        return true
    }

    func candidate(_ limits: [Limit], rows: [Int], move: Move) -> Box {
        Box(limits: limits, rows: rows, cases: rows.reduce(0) { $0 + (cases[$1] ? 1 : 0) }, move: move)
    }

    /// EMA's LENIENT1 objective: the change in the share of cases per row removed or added.
    static func objective(from old: Box, to new: Box) -> Double {
        let meanOld = Double(old.cases) / Double(old.rows.count)
        let meanNew = new.rows.isEmpty ? 0 : Double(new.cases) / Double(new.rows.count)
        // Equal counts with different shares cannot happen (a candidate only removes or only adds rows).
        guard meanOld != meanNew, old.rows.count != new.rows.count else { return 0 }
        return (meanNew - meanOld) / Double(abs(old.rows.count - new.rows.count))
    }

    /// The best candidate by objective, then by unrestricted inputs; the first of equals.
    func best(of candidates: [Box], from box: Box) -> (box: Box, objective: Double)? {
        var chosen: (box: Box, objective: Double, free: Int)?
        for candidate in candidates {
            let objective = Prim.objective(from: box, to: candidate)
            let free = dimensions.count - restricted(candidate.limits).count
            if let c = chosen, objective < c.objective || (objective == c.objective && free <= c.free) { continue }
            chosen = (candidate, objective, free)
        }
        return chosen.map { ($0.box, $0.objective) }
    }

    /// The next peel, or nil when none is worth it (no gain, or too small a box).
    func bestPeel(of box: Box) -> Box? {
        let candidates = candidateOrder.flatMap { peels(of: box, dimension: $0) }
        guard let (next, objective) = best(of: candidates, from: box) else { return nil }
        let mass = Double(next.rows.count) / Double(cases.count)
        guard mass >= options.massMin, next.rows.count < box.rows.count, objective > 0 else { return nil }
        return next
    }

    /// The next paste, or nil when none raises the share of cases.
    func bestPaste(of box: Box) -> Box? {
        let restrictedNow = Set(restricted(box.limits))
        let candidates = candidateOrder.filter(restrictedNow.contains).flatMap { pastes(of: box, dimension: $0) }
        guard let (next, objective) = best(of: candidates, from: box) else { return nil }
        let mass = Double(next.rows.count) / Double(cases.count)
        let densityOld = Double(box.cases) / Double(box.rows.count)
        let densityNew = Double(next.cases) / Double(next.rows.count)
        guard mass >= options.massMin, next.rows.count > box.rows.count, objective > 0, densityNew > densityOld
        else { return nil }
        return next
    }

    func peels(of box: Box, dimension j: Int) -> [Box] {
        let values = dimensions[j].values
        var candidates: [Box] = []
        switch box.limits[j] {
        case let .interval(lower, upper):
            let sorted = box.rows.map { values[$0] }.sorted()
            let alpha = options.peelAlpha
            guard dimensions[j].kind == .continuous else {
                candidates.append(discretePeel(of: box, dimension: j, upper: true, sorted: sorted))
                candidates.append(discretePeel(of: box, dimension: j, upper: false, sorted: sorted))
                break
            }
            let top = Prim.quantile(sorted: sorted, 1 - alpha)
            var limits = box.limits
            limits[j] = .interval(lower: lower, upper: top)
            let below = box.rows.filter { values[$0] <= top }
            candidates.append(candidate(limits, rows: below, move: .peel(dimension: j, side: .upper)))
            let bottom = Prim.quantile(sorted: sorted, alpha)
            limits[j] = .interval(lower: bottom, upper: upper)
            let above = box.rows.filter { values[$0] >= bottom }
            candidates.append(candidate(limits, rows: above, move: .peel(dimension: j, side: .lower)))
        case .categories(let inside):
            guard inside.count > 1 else { break }
            for category in inside.sorted() {
                var limits = box.limits
                limits[j] = .categories(inside.subtracting([category]))
                let rows = box.rows.filter { Int(values[$0]) != category }
                candidates.append(candidate(limits, rows: rows, move: .peel(dimension: j, side: .category(category))))
            }
        }
        return candidates
    }

    /// EMA's peel of a whole-number input: the quantile truncated to a whole
    /// number; when that is the current limit, the rows at the limit go; the
    /// new limit is the extreme value left.
    func discretePeel(of box: Box, dimension j: Int, upper peelsUpper: Bool, sorted: [Double]) -> Box {
        guard case let .interval(lower, upper) = box.limits[j] else { fatalError("a numeric input has an interval") }
        let values = dimensions[j].values
        let alpha = peelsUpper ? 1 - options.peelAlpha : options.peelAlpha
        let cut = Prim.quantile(sorted: sorted, alpha).rounded(.towardZero)
        let keep: (Double) -> Bool
        if peelsUpper {
            keep = cut == upper ? { $0 < upper && $0 >= lower } : { $0 <= cut && $0 >= lower }
        } else {
            keep = cut == lower ? { $0 > lower && $0 <= upper } : { $0 >= cut && $0 <= upper }
        }
        let rows = box.rows.filter { keep(values[$0]) }
        let kept = rows.map { values[$0] }
        var limits = box.limits
        if peelsUpper {
            limits[j] = .interval(lower: lower, upper: kept.max() ?? sorted.last!)
        } else {
            limits[j] = .interval(lower: kept.min() ?? sorted.first!, upper: upper)
        }
        return candidate(limits, rows: rows, move: .peel(dimension: j, side: peelsUpper ? .upper : .lower))
    }

    func pastes(of box: Box, dimension j: Int) -> [Box] {
        let values = dimensions[j].values
        let all = cases.indices
        var candidates: [Box] = []
        switch (box.limits[j], initialLimits[j]) {
        case let (.interval(lower, upper), .interval(smallest, largest)):
            for pastesUpper in [false, true] {
                // The slice just outside this side, within the other limits.
                var slab = box.limits
                slab[j] =
                    pastesUpper ? .interval(lower: upper, upper: largest) : .interval(lower: smallest, upper: lower)
                let outside = all.filter { inside($0, slab) }.map { values[$0] }.sorted()
                var limit: Double
                if outside.isEmpty {
                    limit = pastesUpper ? largest : smallest
                } else {
                    let alpha = pastesUpper ? options.pasteAlpha : 1 - options.pasteAlpha
                    limit = Prim.quantile(sorted: outside, alpha)
                    if dimensions[j].kind == .discrete {
                        // Outward to a value the input takes (see the type's comment).
                        limit = pastesUpper ? outside.first { $0 >= limit }! : outside.last { $0 <= limit }!
                    }
                }
                var limits = box.limits
                limits[j] =
                    pastesUpper ? .interval(lower: lower, upper: limit) : .interval(lower: limit, upper: upper)
                let move = Move.paste(dimension: j, side: pastesUpper ? .upper : .lower)
                candidates.append(candidate(limits, rows: all.filter { inside($0, limits) }, move: move))
            }
        case let (.categories(inside), .categories(every)):
            for category in every.subtracting(inside).sorted() {
                var limits = box.limits
                limits[j] = .categories(inside.union([category]))
                let move = Move.paste(dimension: j, side: .category(category))
                candidates.append(candidate(limits, rows: all.filter { self.inside($0, limits) }, move: move))
            }
        default:
            break
        }
        return candidates
    }

    /// The quantile as EMA Workbench's `get_quantile` (after sdtoolkit)
    /// computes it on sorted data: at position (n - 1) q, the midpoint of the
    /// values below and above it; when those are equal, the lower index
    /// (for q > 0.5) or the upper one moves on until they differ, so the
    /// result separates two values the data takes.
    static func quantile(sorted data: [Double], _ q: Double) -> Double {
        let position = Double(data.count - 1) * q
        var below = Int(position.rounded(.down)), above = Int(position.rounded(.up))
        if q > 0.5 {
            while data[below] == data[above] && below > 0 { below -= 1 }
        } else {
            while data[below] == data[above] && above < data.count - 1 { above += 1 }
        }
        return (data[below] + data[above]) / 2
    }

    // MARK: - Quasi-p values

    /// How likely each restriction of a step's box is to be chance (Bryant
    /// and Lempert 2010; EMA's `qp`): for each restricted side, the box with
    /// that side (or that input's categories) set back to the full range
    /// has a share p of cases; the quasi-p value is the chance that a box
    /// of the step's size drawn at that share holds at least as many cases
    /// (one-sided binomial test). Small values (below 0.05, say) mean the
    /// restriction matters. Keyed by dimension; a side that is not
    /// restricted has no value, and a categorical input has one (`lower`).
    public func quasiP(step: Int) -> [Int: (lower: Double?, upper: Double?)] {
        let s = trajectory[step]
        var result: [Int: (lower: Double?, upper: Double?)] = [:]
        func test(_ limits: [Limit]) -> Double {
            let rows = cases.indices.filter { inside($0, limits) }
            let share = Double(rows.reduce(0) { $0 + (cases[$1] ? 1 : 0) }) / Double(rows.count)
            return Prim.binomialUpperTail(atLeast: s.cases, of: s.count, share: share)
        }
        for j in s.restricted {
            switch (s.limits[j], initialLimits[j]) {
            case let (.interval(lower, upper), .interval(smallest, largest)):
                var limits = s.limits
                var pair: (lower: Double?, upper: Double?) = (nil, nil)
                if lower != smallest {
                    limits[j] = .interval(lower: smallest, upper: upper)
                    pair.lower = test(limits)
                }
                if upper != largest {
                    limits[j] = .interval(lower: lower, upper: largest)
                    pair.upper = test(limits)
                }
                result[j] = pair
            default:
                var limits = s.limits
                limits[j] = initialLimits[j]
                result[j] = (test(limits), nil)
            }
        }
        return result
    }

    /// P(X >= k) for X binomial with n trials and success probability p,
    /// summed in logarithms so that n in the hundreds of thousands neither
    /// overflows nor underflows before the end. log(i!) is a running sum of
    /// logarithms (exact enough here, and free of the C library's lgamma,
    /// which Swift's overlays make ambiguous).
    static func binomialUpperTail(atLeast k: Int, of n: Int, share p: Double) -> Double {
        if k <= 0 { return 1 }
        if k > n || p <= 0 { return 0 }
        if p >= 1 { return 1 }
        var logFactorial = [Double](repeating: 0, count: n + 1)
        for i in stride(from: 2, through: n, by: 1) { logFactorial[i] = logFactorial[i - 1] + log(Double(i)) }
        let logP = log(p), logQ = log1p(-p)
        let terms = (k...n).map { i in
            logFactorial[n] - logFactorial[i] - logFactorial[n - i] + Double(i) * logP + Double(n - i) * logQ
        }
        let largest = terms.max()!
        let sum = terms.reduce(0) { $0 + exp($1 - largest) }
        return min(1, exp(largest) * sum)
    }
}
