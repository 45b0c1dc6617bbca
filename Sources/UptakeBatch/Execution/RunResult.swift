/// What one run of a batch produced: its identity, whether it worked, and the
/// numbers it was asked to record. Handed from a worker to the single writer.
public struct RunResult: Sendable {
    public enum Status: String, Sendable { case ok, failed }
    public var run: Int
    public var point: Int
    public var replicate: Int
    public var seed: UInt64
    public var status: Status
    /// The one-line message of a failed run.
    public var error: String?
    /// Ticks actually run (fewer than the scenario's when the stop condition was met).
    public var ticks: Int
    public var durationSeconds: Double
    /// Final values, in the order of the experiment's `record.final`.
    public var outputs: [(metric: String, value: Double)]
    public var series: [(tick: Int, metric: String, value: Double)]
    /// Warnings the run's host gave (a lever the rule ignores, an old name of
    /// ctx.stats): the batch prints each distinct one once, not once per run.
    public var warnings: [String] = []
}
