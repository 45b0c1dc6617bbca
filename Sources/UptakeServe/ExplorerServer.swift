import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import UnixSignals
import UptakeScripting

#if canImport(Glibc)
    import Glibc
#endif

/// `uptake serve`: the explorer, a web app on this machine for trying a
/// project's scenarios: choose one, move the plugins' parameters, run it
/// and watch its curves grow, pin runs and compare them with the unchanged
/// scenario.
///
/// The server runs no Lua itself. It reads the project's scenario files'
/// names and its own runs' outputs (`ProjectFolder`); what a scenario
/// holds comes from a child `uptake serve --describe`, and each run is a
/// child `uptake run`, sandboxed and supervised as on the command line
/// (`ExplorerRun`). Every request needs the start's `AccessToken`.
///
///     let server = ExplorerServer(settings: .init(project: try ProjectFolder("."), executable: uptakePath))
///     try await server.run { url in print(url) }   // http://127.0.0.1:8400/?token=...
public struct ExplorerServer: Sendable {
    public struct Settings: Sendable {
        public var project: ProjectFolder
        /// The `uptake` binary that describes scenarios and does the runs (the running one, for `uptake serve`).
        public var executable: String
        public var host: String
        /// 0: any free port (the one taken is in the address given to `onReady`).
        public var port: Int
        public var token: AccessToken
        /// Runs at once; more wait their turn.
        public var maxConcurrentRuns: Int
        /// Each run's wall-clock limit (`uptake run --max-seconds`): its supervisor kills it 5 s past it.
        public var maxSecondsPerRun: Double
        /// Stop on SIGINT and SIGTERM (for the command; tests stop the server by cancelling its task).
        public var handlesSignals: Bool

        public static let defaultPort = 8400

        public init(
            project: ProjectFolder, executable: String, host: String = "127.0.0.1", port: Int = defaultPort,
            token: AccessToken = .random(), maxConcurrentRuns: Int = 2, maxSecondsPerRun: Double = 600,
            handlesSignals: Bool = false
        ) {
            self.project = project
            self.executable = executable
            self.host = host
            self.port = port
            self.token = token
            self.maxConcurrentRuns = maxConcurrentRuns
            self.maxSecondsPerRun = maxSecondsPerRun
            self.handlesSignals = handlesSignals
        }
    }

    public let settings: Settings

    public init(settings: Settings) {
        self.settings = settings
    }

    /// How long describing the project's scenarios may take (a child runs each scenario file's Lua).
    static let describeTimeout = 60.0

    /// Serves until the task is cancelled or, with `handlesSignals`, until
    /// SIGINT or SIGTERM; then ends every run under way and returns. `onReady`
    /// gets the address to open, token included, once the port is bound.
    ///
    /// It does not drain the connections before it returns: a browser tab
    /// left open holds idle connections, and a graceful stop would wait for
    /// them as long as the browser keeps them (minutes). The runs are killed,
    /// the server is cancelled and given `stopGrace` to close, and the
    /// caller (the command) then ends the process.
    public func run(onReady: @escaping @Sendable (URL) -> Void) async throws {
        let outputs = try settings.project.outputs()
        let runs = ExplorerRuns(limit: settings.maxConcurrentRuns)
        let explorerRun = ExplorerRun(settings: settings, runs: runs, outputs: outputs)
        var logger = Logger(label: "uptake-serve")
        // Hummingbird's own messages (a connection cut at shutdown) say nothing a user can act on.
        logger.logLevel = .critical
        let settings = self.settings
        let app = Application(
            router: routes(runs: runs),
            server: TokenCheckedChannel.builder(webSocketRouter: webSocketRoutes(explorerRun), token: settings.token),
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: nil),
            onServerRunning: { channel in
                onReady(settings.address(port: channel.localAddress?.port ?? settings.port))
            },
            logger: logger)
        // Why the server stops: the server itself ended (an error such as a
        // port in use), a signal, or (nil) the task was cancelled.
        let (stops, stop) = AsyncStream.makeStream(of: (any Error)?.self)
        let server = Task {
            do {
                try await app.run()
                stop.yield(nil)
            } catch {
                stop.yield(error)
            }
        }
        let signals = Task {
            guard settings.handlesSignals else { return }
            for await _ in await UnixSignalsSequence(trapping: .sigterm, .sigint) {
                stop.finish()
                return
            }
        }
        var reasons = stops.makeAsyncIterator()
        let failure = await reasons.next() ?? nil
        signals.cancel()
        runs.killAll()
        server.cancel()
        await ExplorerServer.wait(for: server, atMost: ExplorerServer.stopGrace)
        if let error = failure as? IOError, [EADDRINUSE, EACCES, EADDRNOTAVAIL].contains(error.errnoCode) {
            throw settings.bindFailure(error)
        }
        if let failure { throw failure }
    }

    /// How long a stopping server is given to close its connections.
    static let stopGrace = 2.0

    /// Waits until `task` ends or `seconds` pass, whichever is first. (Awaiting
    /// a task's value cannot be cancelled, so neither waiter is a child task.)
    static func wait(for task: Task<Void, Never>, atMost seconds: Double) async {
        let (ended, end) = AsyncStream.makeStream(of: Void.self)
        Task {
            await task.value
            end.finish()
        }
        Task {
            try? await Task.sleep(for: .seconds(seconds))
            end.finish()
        }
        for await _ in ended {}
    }

    /// Every route of plain HTTP, behind the token.
    func routes(runs: ExplorerRuns) -> Router<BasicRequestContext> {
        let router = Router()
        router.add(middleware: TokenMiddleware(token: settings.token))
        router.get("/") { _, _ in ExplorerServer.page() }
        router.get("/api/scenarios") { _, _ in
            let all: [ScenarioDescription]
            do { all = try await describe(settings.project.scenarioFiles()) } catch {
                return ExplorerServer.failure(.internalServerError, "cannot read the scenarios: \(error)")
            }
            return try ExplorerServer.json(all.filter { $0.kind != .experiment })
        }
        router.get("/api/scenario") { request, _ in
            let path = String(request.uri.queryParameters["path"] ?? "")
            do { _ = try settings.project.scenario(path) } catch { return ExplorerServer.refusal(error) }
            let description: ScenarioDescription?
            do { description = try await describe([path]).first } catch {
                return ExplorerServer.failure(.internalServerError, "cannot read \(path): \(error)")
            }
            return try ExplorerServer.json(description)
        }
        router.get("/runs/:id/:file") { _, context in
            let id = try context.parameters.require("id")
            let file = try context.parameters.require("file")
            guard ExplorerRun.downloadFiles.contains(file), runs.folder(of: id) != nil else {
                return ExplorerServer.failure(.notFound, "no finished run \(id) with a file \(file)")
            }
            let url: URL
            do { url = try settings.project.file("\(ProjectFolder.outputsFolder)/\(id)/\(file)") } catch {
                return ExplorerServer.refusal(error)
            }
            return ExplorerServer.download(url, name: "\(id)-\(file)")
        }
        router.get("/run") { _, _ in
            Response(status: .upgradeRequired, headers: [.contentType: "text/plain; charset=utf-8"])
        }
        return router
    }

    /// The run's WebSocket. A handshake without the token never gets here
    /// (`UpgradeTokenCheck` answers it 403); the route checks it all the same.
    func webSocketRoutes(_ explorerRun: ExplorerRun) -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        let token = settings.token
        router.ws("/run") { request, _ in
            token.admits(request.uri.queryParameters["token"]) ? .upgrade([:]) : .dontUpgrade
        } onUpgrade: { inbound, outbound, _ in
            try await explorerRun.serve(inbound: inbound, outbound: outbound)
        }
        return router
    }

    /// Descriptions of scenario files from a child `uptake serve --describe`.
    func describe(_ files: [String]) async throws -> [ScenarioDescription] {
        guard !files.isEmpty else { return [] }
        let arguments = ["serve", settings.project.root.path] + files.flatMap { ["--describe", $0] }
        let text = try await ChildStream.output(
            executable: settings.executable, arguments: arguments, timeout: ExplorerServer.describeTimeout)
        return try JSONDecoder().decode([ScenarioDescription].self, from: Data(text.utf8))
    }

    // MARK: Responses

    /// Headers every answer carries: nothing cached, the address (with its
    /// token) never sent on as a referrer, no guessing of content types.
    static var commonHeaders: HTTPFields {
        [
            .cacheControl: "no-store", .init("Referrer-Policy")!: "no-referrer",
            .init("X-Content-Type-Options")!: "nosniff",
        ]
    }

    /// The page, with a policy that lets only its own script run (by a
    /// nonce new for each answer) and lets it reach only this server: no
    /// other site's scripts, styles, fonts or frames, and no script in the
    /// SVG the page inserts.
    static func page() -> Response {
        let nonce = AccessToken.random().text
        var headers = commonHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] =
            "default-src 'none'; script-src 'nonce-\(nonce)'; style-src 'unsafe-inline'; img-src data:; "
            + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        return Response(
            status: .ok, headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: ExplorerPage.html(nonce: nonce))))
    }

    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var headers = commonHeaders
        headers[.contentType] = "application/json"
        return Response(
            status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    /// A path refused by `ProjectFolder`: 403 for outside the project, 404 for missing or not allowed.
    static func refusal(_ error: any Error) -> Response {
        if case ProjectFolder.PathRefusal.outside = error { return failure(.forbidden, "\(error)") }
        return failure(.notFound, "\(error)")
    }

    /// `{"error": "..."}`, which the page shows as it is.
    static func failure(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = commonHeaders
        headers[.contentType] = "application/json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let body = (try? encoder.encode(["error": message])) ?? Data()
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func download(_ url: URL, name: String) -> Response {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return refusal(ProjectFolder.PathRefusal.missing(name))
        }
        var headers = commonHeaders
        headers[.contentType] =
            name.hasSuffix(".csv")
            ? "text/csv; charset=utf-8" : name.hasSuffix(".html") ? "text/html; charset=utf-8" : "application/json"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension ExplorerServer.Settings {
    /// The port or address could not be taken, in words, with what to do.
    func bindFailure(_ error: IOError) -> Diagnostic {
        let place = "\(host):\(port)"
        switch error.errnoCode {
        case EADDRINUSE:
            return Diagnostic(
                file: place, problem: "the port is in use (by another uptake serve?)",
                fix: "Choose another with --port, or --port 0 for any free port")
        case EACCES:
            return Diagnostic(
                file: place, problem: "this user may not listen on port \(port)",
                fix: "Choose a port above 1023 with --port, or --port 0 for any free port")
        default:
            return Diagnostic(
                file: place, problem: "this machine has no address \(host)",
                fix: "Listen on 127.0.0.1 (the default), or give one of this machine's addresses with --host")
        }
    }

    /// The address to open: this host and port, and the token. A server
    /// bound to every interface is still opened through the loopback one.
    func address(port: Int) -> URL {
        var shown = ["0.0.0.0", "::", ""].contains(host) ? "127.0.0.1" : host
        if shown.contains(":") { shown = "[\(shown)]" }
        return URL(string: "http://\(shown):\(port)/?token=\(token.text)")!
    }
}
