/// A semantic version, major.minor.patch (semver.org; pre-release tags are
/// not used by Uptake plugins).
public struct SemanticVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var major: Int, minor: Int, patch: Int

    public init(_ major: Int, _ minor: Int, _ patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses "1", "1.2" or "1.2.3" (missing parts are 0).
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count) else { return nil }
        let numbers = parts.map { Int($0) }
        guard numbers.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        major = numbers[0]!
        minor = numbers.count > 1 ? numbers[1]! : 0
        patch = numbers.count > 2 ? numbers[2]! : 0
    }

    public static func < (a: Self, b: Self) -> Bool { (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch) }
    public var description: String { "\(major).\(minor).\(patch)" }
}

/// A version requirement as manifests and scenarios write it:
/// `^1.2` (>=1.2.0 <2.0.0), `~1.2.3` (>=1.2.3 <1.3.0), `>=1.2 <2`, `=1.2.3`,
/// `1.2.3` (same as ^1.2.3), `*` (any). Space-separated parts must all hold.
public struct VersionConstraint: Sendable, CustomStringConvertible {
    public let text: String
    let bounds: [(op: String, version: SemanticVersion)]

    public struct Invalid: Error, CustomStringConvertible {
        public let text: String
        public var description: String {
            "'\(text)' is not a version constraint; write e.g. \"^1.2\", \"~1.2.3\", \">=1.2 <2\" or \"*\""
        }
    }

    public init(_ text: String) throws {
        self.text = text
        var bounds: [(String, SemanticVersion)] = []
        for token in text.split(separator: " ").map(String.init) where token != "*" {
            let op = [">=", "<=", ">", "<", "=", "^", "~"].first { token.hasPrefix($0) } ?? ""
            let rest = String(token.dropFirst(op.count))
            guard let v = SemanticVersion(rest) else { throw Invalid(text: text) }
            let given = rest.split(separator: ".").count
            switch op {
            case "^", "":
                bounds.append((">=", v))
                bounds.append(
                    (
                        "<",
                        v.major > 0
                            ? SemanticVersion(v.major + 1, 0, 0)
                            : given >= 2 && v.minor > 0
                                ? SemanticVersion(0, v.minor + 1, 0)
                                : given >= 2 ? SemanticVersion(0, 0, v.patch + 1) : SemanticVersion(1, 0, 0)
                    ))
            case "~":
                bounds.append((">=", v))
                bounds.append(
                    ("<", given >= 2 ? SemanticVersion(v.major, v.minor + 1, 0) : SemanticVersion(v.major + 1, 0, 0)))
            default:
                bounds.append((op, v))
            }
        }
        self.bounds = bounds
    }

    public func admits(_ v: SemanticVersion) -> Bool {
        bounds.allSatisfy { b in
            switch b.op {
            case ">=": return v >= b.version
            case "<=": return v <= b.version
            case ">": return v > b.version
            case "<": return v < b.version
            default: return v == b.version
            }
        }
    }

    public var description: String { text }
}

import Foundation
