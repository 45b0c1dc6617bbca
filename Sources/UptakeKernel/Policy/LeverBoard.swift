/// The current setting of every lever. Firm-level levers are a default plus
/// segment overrides, resolved into one dense array per lever so the hot loop
/// reads `values[lever][firm]` and never evaluates a selector.
public struct LeverBoard: Sendable {
    public struct Setting: Sendable {
        public var selector: SegmentSelector
        public var value: Double
    }

    /// Overrides per lever, in the order they were set; later ones win where segments overlap.
    public private(set) var settings: [Lever: [Setting]] = [:]
    /// System-level values.
    public private(set) var system: [Lever: Double] = [:]
    private var dense: [Lever: [Double]] = [:]
    private var dirty: Set<Lever> = []

    public init() {}

    public struct OutOfRange: Error, CustomStringConvertible {
        public let lever: Lever, value: Double
        public var description: String {
            "lever '\(lever.rawValue)' takes \(lever.meaning), in \(lever.range.lowerBound)...\(lever.range.upperBound); \(value) is outside that range"
        }
    }

    /// Sets a lever for a segment (firm-level) or for the economy (system-level; the selector must be `.all`).
    public mutating func set(_ lever: Lever, _ value: Double, for selector: SegmentSelector = .all) throws {
        guard lever.range.contains(value), !value.isNaN else { throw OutOfRange(lever: lever, value: value) }
        if !lever.isFirmLevel {
            system[lever] = value
            return
        }
        var list = settings[lever] ?? []
        list.removeAll { $0.selector == selector }
        if selector.isAll { list.removeAll() }  // setting everyone replaces every segment
        list.append(Setting(selector: selector, value: value))
        settings[lever] = list
        dirty.insert(lever)
    }

    /// The value of a lever for a segment: the last setting whose selector equals it, else the default.
    public func get(_ lever: Lever, for selector: SegmentSelector = .all) -> Double {
        if !lever.isFirmLevel { return system[lever] ?? lever.defaultValue }
        return settings[lever]?.last(where: { $0.selector == selector })?.value
            ?? settings[lever]?.last(where: { $0.selector.isAll })?.value
            ?? lever.defaultValue
    }

    public func systemValue(_ lever: Lever) -> Double { system[lever] ?? lever.defaultValue }

    /// Whether any firm has a non-default value for this lever.
    public func isActive(_ lever: Lever) -> Bool {
        lever.isFirmLevel ? !(settings[lever]?.isEmpty ?? true) : system[lever] != nil
    }

    /// Dense per-firm values of a firm-level lever, recomputed when settings
    /// changed or when a selector depends on stage (which changes every tick).
    public mutating func resolve(_ lever: Lever, firms: FirmTable) -> [Double] {
        let list = settings[lever] ?? []
        let stageDependent = list.contains { $0.selector.dependsOnStage }
        if let cached = dense[lever], !dirty.contains(lever), !stageDependent, cached.count == firms.count {
            return cached
        }
        var values = [Double](repeating: lever.defaultValue, count: firms.count)
        for setting in list {
            if setting.selector.isAll {
                for i in 0..<values.count { values[i] = setting.value }
            } else {
                for i in 0..<values.count where setting.selector.matches(firms, i) { values[i] = setting.value }
            }
        }
        dense[lever] = values
        dirty.remove(lever)
        return values
    }

    /// As `resolve`, but a lever with one value for every firm (never set, or
    /// set for all) comes back as an array of that one value, which
    /// `FirmLeverValues` reads for every firm: a million firms save 8 MB a
    /// lever, and the rogers rule reads six.
    public mutating func resolveCompact(_ lever: Lever, firms: FirmTable) -> [Double] {
        let list = settings[lever] ?? []
        guard list.allSatisfy({ $0.selector.isAll }) else { return resolve(lever, firms: firms) }
        dense[lever] = nil
        return [list.last?.value ?? lever.defaultValue]
    }
}

/// A firm-level lever as the hot loops read it: `values[i & mask]`, where
/// the mask is 0 for a lever with one value for all firms
/// (`LeverBoard.resolveCompact`), so no branch is taken per firm.
struct FirmLeverValues {
    let values: UnsafeBufferPointer<Double>
    let mask: Int

    init(_ values: UnsafeBufferPointer<Double>) {
        self.values = values
        mask = values.count == 1 ? 0 : ~0
    }

    @inline(__always) subscript(_ firm: Int) -> Double { values[firm & mask] }
}
