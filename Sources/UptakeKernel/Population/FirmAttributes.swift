/// Rogers' adopter categories, by rank of innovativeness.
public enum AdopterCategory: UInt8, CaseIterable, Sendable {
    case innovators, earlyAdopters, earlyMajority, lateMajority, laggards

    /// The name used in scenarios, selectors and CSV columns.
    public var name: String {
        switch self {
        case .innovators: return "innovators"
        case .earlyAdopters: return "early_adopters"
        case .earlyMajority: return "early_majority"
        case .lateMajority: return "late_majority"
        case .laggards: return "laggards"
        }
    }

    /// Rogers' shares (Diffusion of Innovations, 5th ed., ch. 7): 2.5, 13.5, 34, 34, 16 %.
    public static let rogersShares: [Double] = [0.025, 0.135, 0.34, 0.34, 0.16]

    public init?(name: String) {
        guard let c = AdopterCategory.allCases.first(where: { $0.name == name }) else { return nil }
        self = c
    }
}

/// Firm size classes (EU/Eurostat convention: small 10-49, medium 50-249, large 250+ employees).
public enum FirmSize: UInt8, CaseIterable, Sendable {
    case small, medium, large
    public var name: String { ["small", "medium", "large"][Int(rawValue)] }
    public init?(name: String) {
        guard let s = FirmSize.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }
}

/// The stages of Rogers' innovation-decision process, plus the two ways out.
public enum Stage: UInt8, CaseIterable, Sendable {
    case unaware, aware, persuaded, trial, adopted, confirmed, rejected, discontinued

    public var name: String {
        ["unaware", "aware", "persuaded", "trial", "adopted", "confirmed", "rejected", "discontinued"][Int(rawValue)]
    }

    /// Firms that use the innovation now: adopted (implementation) or confirmed.
    @inline(__always) public var isAdopter: Bool { self == .adopted || self == .confirmed }

    public init?(name: String) {
        guard let s = Stage.allCases.first(where: { $0.name == name }) else { return nil }
        self = s
    }
}
