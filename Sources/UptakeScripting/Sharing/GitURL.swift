import Foundation

/// A `git+` address, as `uptake.toml` and `uptake plugin install` take it:
/// `git+file:///srv/git/plugins.git`, `git+https://host/team/plugin.git#v1.2.0`.
///
/// Checked before git ever sees it: only the file, https, http and ssh
/// schemes; no spaces or control characters; nothing git could read as an
/// option (`--upload-pack=...`) or as its command transport (`ext::`).
public struct GitURL: Sendable, Equatable, CustomStringConvertible {
    /// What git is given, without `git+` and the `#ref`.
    public var repository: String
    /// The tag or branch after `#`, if any.
    public var ref: String?

    static let schemes = ["file", "https", "http", "ssh"]

    /// Whether `text` is meant as a git address (starts with `git+`).
    public static func isGitAddress(_ text: String) -> Bool { text.hasPrefix("git+") }

    public init(_ text: String) throws {
        func refuse(_ why: String) -> Diagnostic {
            Diagnostic(
                problem: "'\(text.prefix(200))' is not a git address uptake accepts: \(why)",
                fix: "Write git+file:///path/to/repo.git or git+https://host/path/repo.git, with #TAG to choose a tag")
        }
        guard text.hasPrefix("git+") else { throw refuse("it must start with git+") }
        var rest = String(text.dropFirst(4))
        if let hash = rest.firstIndex(of: "#") {
            let ref = String(rest[rest.index(after: hash)...])
            guard !ref.isEmpty, ref.range(of: "^[A-Za-z0-9][A-Za-z0-9._/-]*$", options: .regularExpression) != nil,
                !ref.contains("..")
            else { throw refuse("the tag after # must be letters, digits, dots, dashes or slashes") }
            self.ref = ref
            rest = String(rest[..<hash])
        }
        guard !rest.hasPrefix("-") else { throw refuse("it must not start with '-'") }
        guard rest.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f }) else {
            throw refuse("it must not contain spaces or control characters")
        }
        guard !rest.contains("::") else { throw refuse("git's '::' transports are not allowed") }
        guard let scheme = rest.split(separator: ":", maxSplits: 1).first.map(String.init),
            GitURL.schemes.contains(scheme), rest.hasPrefix(scheme + "://"), URL(string: rest) != nil
        else { throw refuse("the scheme must be one of " + GitURL.schemes.joined(separator: ", ")) }
        repository = rest
    }

    public var description: String { "git+" + repository + (ref.map { "#" + $0 } ?? "") }

    /// A name for a cache folder: the scheme, then a hash of the address.
    var cacheName: String {
        String(repository.prefix { $0 != ":" }) + "-" + String(ContentHash.sha256(Data(repository.utf8)).prefix(16))
    }
}
