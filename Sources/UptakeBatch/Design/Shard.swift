import UptakeScripting

/// `--shard K/N`: run K of N deterministic slices (runs whose index is
/// K - 1 modulo N), so shards can go to different machines and be merged.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public static let all = Shard(index: 1, count: 1)

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    public init(parsing text: String) throws {
        let parts = text.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let k = parts[0], let n = parts[1], n >= 1, (1...n).contains(k) else {
            throw Diagnostic(
                file: "--shard \(text)", problem: "expected K/N with 1 <= K <= N",
                fix: "Write e.g. --shard 2/4 for the second of four slices")
        }
        index = k
        count = n
    }

    public func contains(run: Int) -> Bool { run % count == index - 1 }

    public var description: String { count == 1 ? "all" : "\(index)/\(count)" }
}
