import Foundation

/// What a worker process sends back for one run: a `RunResult` as one line
/// of JSON. Numbers travel as their IEEE bit patterns, so every value
/// (NaN included) arrives exactly as computed: a run's outputs are the same
/// whether it ran in a worker or in this process.
struct WorkerMessage: Codable {
    var run: Int
    var point: Int
    var replicate: Int
    var seed: UInt64
    var ok: Bool
    var error: String?
    var ticks: Int
    var duration: UInt64
    var outputs: [Output]
    var series: [SeriesValue]

    struct Output: Codable { var metric: String; var value: UInt64 }
    struct SeriesValue: Codable { var tick: Int; var metric: String; var value: UInt64 }

    init(_ r: RunResult) {
        run = r.run; point = r.point; replicate = r.replicate; seed = r.seed
        ok = r.status == .ok; error = r.error; ticks = r.ticks; duration = r.durationSeconds.bitPattern
        outputs = r.outputs.map { Output(metric: $0.metric, value: $0.value.bitPattern) }
        series = r.series.map { SeriesValue(tick: $0.tick, metric: $0.metric, value: $0.value.bitPattern) }
    }

    var result: RunResult {
        RunResult(run: run, point: point, replicate: replicate, seed: seed, status: ok ? .ok : .failed, error: error, ticks: ticks,
                  durationSeconds: Double(bitPattern: duration),
                  outputs: outputs.map { ($0.metric, Double(bitPattern: $0.value)) },
                  series: series.map { ($0.tick, $0.metric, Double(bitPattern: $0.value)) })
    }

    /// One line of JSON, newline included.
    func encoded() throws -> Data {
        var data = try JSONEncoder().encode(self)
        data.append(0x0A)
        return data
    }

    static func decode(_ line: Data) throws -> WorkerMessage {
        try JSONDecoder().decode(WorkerMessage.self, from: line)
    }
}
