/// A check of TOML text before TOMLKit parses it.
///
/// Why: toml++ (the C++ parser inside TOMLKit) assumes that a table header's
/// name begins with a bare-key character or a quote. Anything else, as in
/// `[= 8` or `[[\u{13}x]]`, hits an assertion (an abort in debug builds) or
/// undefined behaviour (release builds). Fuzzing found it
/// (Tests/Fuzz/Regressions/manifest, lockfile). Manifests and lockfiles come
/// from other teams, so such a header is refused here, with its line, first.
///
/// The scan follows TOML's lexical structure (strings, multi-line strings,
/// comments, array brackets), so a `[` that opens an array value on a line of
/// its own is not mistaken for a header.
enum TOMLHeaderGuard {
    /// The line of the first table header whose name does not begin as TOML requires, if any.
    static func firstBadHeader(in text: String) -> Int? {
        let bytes = Array(text.utf8)
        enum State { case normal, comment, basic, literal, multiBasic, multiLiteral }
        var state = State.normal
        var line = 1
        var lineStart = true  // only spaces and tabs so far on this line
        var depth = 0  // open array brackets of a value
        var i = 0
        func at(_ k: Int) -> UInt8? { k < bytes.count ? bytes[k] : nil }
        func triple(_ q: UInt8) -> Bool { at(i) == q && at(i + 1) == q && at(i + 2) == q }
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                lineStart = true
                if state == .comment || state == .basic || state == .literal { state = .normal }
                i += 1
                continue
            }
            switch state {
            case .comment:
                i += 1
            case .basic:
                if b == 0x5C {
                    i += 2
                } else {
                    if b == 0x22 { state = .normal }
                    i += 1
                }  // \ escapes; " ends
            case .literal:
                if b == 0x27 { state = .normal }
                i += 1
            case .multiBasic:
                // A backslash at the end of a line joins lines: leave the newline to be counted.
                if b == 0x5C {
                    i += at(i + 1) == 0x0A ? 1 : 2
                } else if triple(0x22) {
                    state = .normal
                    i += 3
                } else {
                    i += 1
                }
            case .multiLiteral:
                if triple(0x27) {
                    state = .normal
                    i += 3
                } else {
                    i += 1
                }
            case .normal:
                if b == 0x20 || b == 0x09 {
                    i += 1
                    continue
                }
                if b == 0x5B && lineStart && depth == 0 {
                    // A table header: [name] or [[name]]
                    var k = i + 1
                    if at(k) == 0x5B { k += 1 }
                    while at(k) == 0x20 || at(k) == 0x09 { k += 1 }
                    guard let c = at(k), isKeyStart(c) else { return line }
                    // The rest of the header line holds no value brackets: skip to its end.
                    while let c = at(i), c != 0x0A { i += 1 }
                    continue
                }
                lineStart = false
                if triple(0x22) {
                    state = .multiBasic
                    i += 3
                } else if triple(0x27) {
                    state = .multiLiteral
                    i += 3
                } else if b == 0x22 {
                    state = .basic
                    i += 1
                } else if b == 0x27 {
                    state = .literal
                    i += 1
                } else if b == 0x23 {
                    state = .comment
                    i += 1
                } else if b == 0x5B {
                    depth += 1
                    i += 1
                } else if b == 0x5D {
                    depth = max(0, depth - 1)
                    i += 1
                } else {
                    i += 1
                }
            }
        }
        return nil
    }

    /// A–Z, a–z, 0–9, _ and - (bare keys), a quote (quoted keys), or ] (which
    /// toml++ itself reports as a blank key).
    static func isKeyStart(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            || c == 0x5F || c == 0x2D || c == 0x22 || c == 0x27 || c == 0x5D
    }
}
