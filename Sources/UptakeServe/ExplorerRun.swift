import Foundation
import HummingbirdWebSocket
import UptakeKernel

/// One run as the page sees it, over one WebSocket: the page sends a
/// `RunRequest`; the server starts `uptake run ... --stream-ticks` as a
/// child and forwards each tick as it comes, with the charts so far; then
/// `done` (with the downloads) or `failed` (with the run's error). The
/// socket closes after the run, and a run whose page goes away (the socket
/// closes first) has its child killed.
///
/// The child is `uptake run` exactly as on the command line, sandbox,
/// limits and its own supervisor included, so that a plugin that crashes,
/// loops or eats memory fails its run with the command line's message and
/// costs the server nothing but a child.
struct ExplorerRun: Sendable {
    let settings: ExplorerServer.Settings
    let runs: ExplorerRuns
    let outputs: URL

    /// Messages to the page, one JSON object each (nil fields are left out).
    struct Message: Encodable, Sendable {
        var type: String
        var message: String? = nil
        var run: String? = nil
        var ahead: Int? = nil
        var tick: Int? = nil
        var date: String? = nil
        var adoption: Double? = nil
        var charts: [ExplorerChart]? = nil
        var summary: [SummaryValue]? = nil
        var downloads: [Download]? = nil
        var note: String? = nil
    }

    /// One output at the end of a run, for the page's comparison of pinned runs.
    struct SummaryValue: Encodable, Sendable {
        var name: String
        var unit: String
        var value: Double?
    }

    struct Download: Encodable, Sendable {
        var name: String
        var href: String
    }

    /// The outputs compared across pinned runs, in this order.
    static let summaryOutputs = [
        "adoption", "adopters", "productivity_index", "trust", "energy_gwh", "emissions_t", "spend_cumulative",
    ]

    /// What a finished run offers: its HTML report (`uptake run --report`), its series and its summary.
    static let downloadFiles = ["report.html", "series.csv", "summary.json"]

    /// Serves one WebSocket: reads the page's side (its request, then
    /// nothing until it closes) while the run streams on the other.
    func serve(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (requests, requestSink) = AsyncStream.makeStream(of: String.self)
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                defer { requestSink.finish() }
                for try await message in inbound.messages(maxSize: 1 << 16) {
                    if case .text(let text) = message { requestSink.yield(text) }
                }
                return false
            }
            group.addTask {
                var iterator = requests.makeAsyncIterator()
                if let request = await iterator.next() { await run(request, outbound) }
                try? await outbound.close(.normalClosure, reason: nil)
                return true
            }
            // The page went away first: end the run (its task's cancellation kills the child).
            if try await group.next() == false { group.cancelAll() }
        }
    }

    /// Runs what `text` asks for and tells the page how it goes; a refused
    /// request or a failed run is a `failed` message, not an error.
    func run(_ text: String, _ outbound: WebSocketOutboundWriter) async {
        do {
            let request: RunRequest
            do { request = try JSONDecoder().decode(RunRequest.self, from: Data(text.utf8)) } catch {
                throw RunRequest.Refusal(description: "the request is not a run request: \(error)")
            }
            let scenario = try settings.project.scenario(request.scenario)
            let options = try request.runArguments()
            if !runs.slots.tryAcquire() {
                try await send(Message(type: "queued", ahead: runs.slots.waiting + 1), outbound)
                try await runs.slots.acquire()
            }
            let id = runs.newID()
            let folder = outputs.appendingPathComponent(id)
            let arguments =
                ["run", scenario.path] + options + [
                    "--out", folder.path, "--quiet", "--json", "--report", "--stream-ticks",
                    "--max-seconds", String(settings.maxSecondsPerRun),
                ]
            // The slot is given back when the child's processes are gone, however the run ends.
            let child: ChildStream
            do {
                child = try ChildStream(executable: settings.executable, arguments: arguments) { [runs] in
                    runs.slots.release()
                }
            } catch {
                runs.slots.release()
                throw error
            }
            runs.started(id, child)
            defer {
                // However the run ends here (the page gone, a write that failed), its processes end too;
                // after a run that ended by itself this does nothing.
                child.kill()
                runs.ended(id)
            }
            child.start()
            try await withTaskCancellationHandler {
                try await send(Message(type: "started", run: id), outbound)
                try await follow(child, id: id, folder: folder, outbound)
            } onCancel: {
                child.kill()
            }
        } catch is CancellationError {
            return
        } catch let refusal as RunRequest.Refusal {
            try? await send(Message(type: "failed", message: refusal.description), outbound)
        } catch let refusal as ProjectFolder.PathRefusal {
            try? await send(Message(type: "failed", message: refusal.description), outbound)
        } catch {
            // A write to a socket the page closed ends up here too; there is no one left to tell.
            try? await send(Message(type: "failed", message: String(describing: error)), outbound)
        }
    }

    /// Forwards the child's ticks until it ends. The charts are drawn at
    /// most ten times a second (a fast run sends many ticks in that time)
    /// and always at the end.
    func follow(_ child: ChildStream, id: String, folder: URL, _ outbound: WebSocketOutboundWriter) async throws {
        var table = StreamedTable()
        var summary: String? = nil
        let clock = ContinuousClock()
        var lastDrawn = clock.now - .seconds(1)
        for await event in child.events {
            switch event {
            case .line(let line):
                if table.append(line: line) {
                    var message = Message(type: "tick", tick: table.rows.count - 1, date: table.dates.last)
                    message.adoption = table.column("adoption")?.last.flatMap { $0.isFinite ? $0 : nil }
                    if clock.now - lastDrawn >= .milliseconds(100) {
                        message.charts = ExplorerCharts.charts(table)
                        lastDrawn = clock.now
                    }
                    try await send(message, outbound)
                } else if line.hasPrefix("{") {
                    summary = line
                }
            case .ended(.exited(0), _):
                if let summary {
                    try? Data((summary + "\n").utf8).write(to: folder.appendingPathComponent("summary.json"))
                }
                runs.finish(id, folder: folder)
                try await send(done(id, table: table), outbound)
            case .ended(let ending, let errorTail):
                let failure = ChildFailure(ending: ending, errorTail: errorTail)
                try await send(
                    Message(type: "failed", message: settings.project.relative(failure.description)), outbound)
            }
        }
    }

    func done(_ id: String, table: StreamedTable) -> Message {
        let last = table.lastRow
        let units = Dictionary(uniqueKeysWithValues: OutputSchema.quantities.map { ($0.name, $0.unit) })
        let summary = ExplorerRun.summaryOutputs.map { name in
            SummaryValue(name: name, unit: units[name] ?? "", value: last[name] ?? nil)
        }
        let downloads = ExplorerRun.downloadFiles.map { Download(name: $0, href: "runs/\(id)/\($0)") }
        return Message(
            type: "done", run: id, charts: ExplorerCharts.charts(table), summary: summary, downloads: downloads)
    }

    func send(_ message: Message, _ outbound: WebSocketOutboundWriter) async throws {
        let data = try JSONEncoder().encode(message)
        try await outbound.writeTextMessage(String(decoding: data, as: UTF8.self))
    }
}
