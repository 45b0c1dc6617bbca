import ArgumentParser
import Foundation
import UptakeScripting

/// Parsers of numeric option values that say what is allowed. They are used
/// with `parsing: .unconditional`, so that a negative number reaches them
/// (by default `--seed -3` reads `-3` as an option and says "Missing value").
/// A refusal prints as
///
///     Error: The value '0' is invalid for '--threads <threads>': use a whole number from 1 to 1024, e.g. --threads 2
enum ArgumentValues {
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// The largest number of threads or worker processes accepted: more is a typo, not a machine.
    static let maximumWorkers = 1024

    /// A seed: any whole number from 0 to 2^64-1, as the kernel's random streams take.
    static func seed(_ text: String) throws -> UInt64 {
        if let value = SeedText.seed(text) { return value }  // digits, or the s-prefixed text of runs.csv
        let digits =
            !text.isEmpty && text.drop { $0 == "-" }.allSatisfy(\.isASCII)
            && text.drop { $0 == "-" }.allSatisfy(\.isNumber)
        let why =
            text.hasPrefix("-") && digits
            ? "a seed cannot be negative; "
            : digits
                ? "that is more than the largest seed; "
                : ""
        throw Refusal(description: "\(why)use a whole number from 0 to \(UInt64.max), e.g. --seed 7")
    }

    /// A whole number in `range`, for the option `name` (for the example).
    static func whole(_ name: String, in range: ClosedRange<Int>, example: Int, unit: String = "")
        -> @Sendable (String) throws -> Int
    {
        { text in
            guard let value = Int(text), range.contains(value) else {
                let what = unit.isEmpty ? "" : " of \(unit)"
                throw Refusal(
                    description:
                        "use a whole number\(what) from \(range.lowerBound) to \(range.upperBound), e.g. \(name) \(example)"
                )
            }
            return value
        }
    }

    /// Threads or worker processes: 1 ... `maximumWorkers`; the message names this machine's cores.
    static func workers(_ name: String) -> @Sendable (String) throws -> Int {
        { text in
            let cores = ProcessInfo.processInfo.activeProcessorCount
            guard let value = Int(text), (1...maximumWorkers).contains(value) else {
                throw Refusal(
                    description:
                        "use a whole number from 1 to \(maximumWorkers) (this machine has \(cores) cores), e.g. \(name) \(cores)"
                )
            }
            return value
        }
    }

    /// Seconds: a finite number > 0 (or >= 0 with `zeroAllowed`, where 0 means none).
    static func seconds(_ name: String, zeroAllowed: Bool = false) -> @Sendable (String) throws -> Double {
        { text in
            guard let value = Double(text), value.isFinite, value > 0 || (zeroAllowed && value == 0) else {
                let floor = zeroAllowed ? "0 or more (0 = no limit)" : "more than 0"
                throw Refusal(description: "use a number of seconds \(floor), e.g. \(name) 60")
            }
            return value
        }
    }

    /// A finite number that `accepts` takes; `allowed` says which in words
    /// ("more than 0 and at most 1"), for the refusal.
    static func number(
        _ name: String, allowed: String, example: String, accepts: @escaping @Sendable (Double) -> Bool = { _ in true }
    ) -> @Sendable (String) throws -> Double {
        { text in
            guard let value = Double(text), value.isFinite, accepts(value) else {
                throw Refusal(description: "use \(allowed), e.g. \(name) \(example)")
            }
            return value
        }
    }

    /// A path to write to: not empty (an unset shell variable, `--out "$DIR"`,
    /// would otherwise mean the current folder).
    static func path(_ name: String, example: String) -> @Sendable (String) throws -> String {
        { text in
            guard !text.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw Refusal(description: "the path is empty; give one, e.g. \(name) \(example)")
            }
            return text
        }
    }

    /// A path of a file to write: as `path`, and not ending in "/" (which names a folder).
    static func filePath(_ name: String, example: String) -> @Sendable (String) throws -> String {
        { text in
            let checked = try path(name, example: example)(text)
            guard !checked.hasSuffix("/") else {
                throw Refusal(
                    description:
                        "this names a folder (it ends with /); give a file name, e.g. \(name) \(checked)\((example as NSString).lastPathComponent)"
                )
            }
            return checked
        }
    }
}
