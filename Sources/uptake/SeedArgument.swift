import ArgumentParser
import UptakeReport

/// A seed on the command line, as digits or as exported files write it
/// (`s9451341060835768564`, see `SeedText`), so a seed copied from runs.csv works as it is.
struct SeedArgument: ExpressibleByArgument {
    let value: UInt64

    init?(argument: String) {
        guard let seed = SeedText.seed(argument) else { return nil }
        value = seed
    }
}
