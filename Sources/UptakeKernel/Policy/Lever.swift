/// The policy levers plugins pull. Firm-level levers take a value per firm
/// (set for a segment); system-level levers take one value for the economy.
public enum Lever: String, CaseIterable, Sendable {
    // Firm-level
    case subsidy, taxRelief = "tax_relief", loanRate = "loan_rate", specialFund = "special_fund"
    case training, media
    // System-level
    case alliance, dataSharing = "data_sharing", labelling, computeInvestment = "compute_investment"
    case rdFunding = "rd_funding", energyCap = "energy_cap", renewableShare = "renewable_share"
    case efficiency, regulation

    /// Whether the lever takes a value per firm (and so accepts a selector).
    public var isFirmLevel: Bool {
        switch self {
        case .subsidy, .taxRelief, .loanRate, .specialFund, .training, .media: return true
        default: return false
        }
    }

    /// Value before any plugin sets it.
    public var defaultValue: Double {
        switch self {
        case .loanRate: return LeverDefaults.marketLoanRate
        case .renewableShare: return LeverDefaults.renewableShare2023
        case .energyCap: return .infinity
        default: return 0
        }
    }

    /// Admissible range; setting outside it is an error a plugin author sees.
    public var range: ClosedRange<Double> {
        switch self {
        case .subsidy, .specialFund, .dataSharing, .labelling, .alliance, .regulation, .renewableShare: return 0...1
        case .efficiency: return 0...0.95
        case .taxRelief: return 0...2
        case .loanRate: return 0...0.5
        case .training, .media: return 0...10
        case .computeInvestment, .rdFunding: return 0...1e13
        case .energyCap: return 0...Double.infinity
        }
    }

    /// What the value means, for docs and error messages.
    public var meaning: String {
        switch self {
        case .subsidy: return "share of adoption cost the state pays (0..1)"
        case .taxRelief: return "extra deduction of AIGC spending as a share of it (1 = 100% super-deduction)"
        case .loanRate: return "annual interest rate on adoption loans"
        case .specialFund: return "share of adoption cost the special fund covers while its pool lasts (0..1)"
        case .training: return "training intensity per tick (1 = one standard course per firm)"
        case .media: return "mass-media campaign intensity (multiplies external influence by 1 + value)"
        case .alliance:
            return "industry alliance strength: removes this share of the cross-sector influence discount (0..1)"
        case .dataSharing: return "data-sharing platform coverage (0..1), raises data quality"
        case .labelling: return "content labelling standard coverage (0..1), raises data quality, cuts false content"
        case .computeInvestment: return "public compute investment, yuan per tick"
        case .rdFunding: return "public AI R&D funding, yuan per tick"
        case .energyCap: return "cap on AI energy use, GWh per tick"
        case .renewableShare: return "share of AI electricity from renewables (0..1)"
        case .efficiency: return "energy saved per compute unit by efficient algorithms (0..0.95)"
        case .regulation: return "content regulation strength (0..1): fewer incidents, higher compliance cost"
        }
    }

    public init?(name: String) { self.init(rawValue: name) }
}

/// Reference values of the economy the levers act on (*assumed* unless docs/model.md cites a source).
public enum LeverDefaults {
    /// One-year loan prime rate plus a small-firm risk premium, about 4.5% in 2023 (PBoC LPR 3.45-3.65% + ~1 pt).
    public static let marketLoanRate = 0.045
    /// Non-fossil share of China's electricity generation, about 0.36 in 2023 (NEA).
    public static let renewableShare2023 = 0.36
    /// Corporate income tax rate (China CIT law: 25%).
    public static let corporateTaxRate = 0.25
}
