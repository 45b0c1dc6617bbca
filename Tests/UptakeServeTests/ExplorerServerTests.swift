import Foundation
import UptakeLocks
import XCTest

@testable import UptakeServe

/// The explorer over real HTTP and WebSocket: a server started in this
/// process on a free port, whose runs are children of the built uptake.
final class ExplorerServerTests: XCTestCase {
    var explorer: StartedExplorer!

    override func setUp() async throws {
        explorer = try await StartedExplorer()
    }

    override func tearDown() async throws {
        await explorer.stop()
    }

    // MARK: The token

    func testEveryRequestWithoutTheTokenIsForbidden() throws {
        for path in ["/", "/api/scenarios", "/api/scenario?path=scenarios/small.lua", "/runs/x/series.csv", "/nothing"]
        {
            XCTAssertEqual(try explorer.get(path, token: false).status, 403, path)
            XCTAssertEqual(try explorer.get(path + (path.contains("?") ? "&" : "?") + "token=guess").status, 403, path)
        }
        XCTAssertThrowsError(try LoopbackClient.webSocket(port: explorer.port, "/run")) {
            XCTAssertEqual(($0 as? LoopbackClient.Refused)?.status, 403)
        }
        XCTAssertThrowsError(try LoopbackClient.webSocket(port: explorer.port, "/run?token=guess")) {
            XCTAssertEqual(($0 as? LoopbackClient.Refused)?.status, 403)
        }
    }

    func testThePageComesWithTheTokenAndAPolicyAgainstOtherSources() throws {
        let page = try explorer.get("/")
        XCTAssertEqual(page.status, 200)
        let policy = try XCTUnwrap(page.headers["content-security-policy"])
        XCTAssertTrue(policy.contains("default-src 'none'"), policy)
        let nonce = try XCTUnwrap(policy.firstMatch(of: /'nonce-([0-9a-f]+)'/)?.1)
        XCTAssertTrue(page.text.contains("<script nonce=\"\(nonce)\">"), "the page's one script carries the nonce")
        XCTAssertFalse(page.text.contains("https://"), "nothing is loaded from elsewhere")
        XCTAssertEqual(page.headers["referrer-policy"], "no-referrer")
    }

    // MARK: Paths

    func testPathsOutsideTheProjectAreRefused() throws {
        let secret = explorer.project.root.deletingLastPathComponent().appendingPathComponent("secret-\(UUID()).lua")
        try "return scenario { ticks = 1 }".write(to: secret, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: secret) }
        try FileManager.default.createSymbolicLink(
            at: explorer.project.root.appendingPathComponent("scenarios/link.lua"), withDestinationURL: secret)
        for path in ["../\(secret.lastPathComponent)", secret.path, "scenarios/link.lua", "scenarios/../../x.lua"] {
            let answer = try explorer.get(
                "/api/scenario?path=" + path.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
            XCTAssertEqual(answer.status, 403, "\(path): \(answer.text)")
            XCTAssertTrue(answer.text.contains("outside the project"), answer.text)
        }
        XCTAssertEqual(try explorer.get("/api/scenario?path=plugins/knob/init.lua").status, 404)
        XCTAssertEqual(try explorer.get("/runs/..%2F..%2Fetc/passwd").status, 404)
        let run = try explorer.startRun(#"{"scenario": "scenarios/link.lua"}"#).receiveAll()
        XCTAssertEqual(run.last?["type"] as? String, "failed")
        XCTAssertEqual(run.last?["message"] as? String, "scenarios/link.lua is outside the project folder")
    }

    // MARK: Scenarios and controls

    func testTheListHasTheScenariosNotTheExperiments() throws {
        let answer = try explorer.get("/api/scenarios")
        XCTAssertEqual(answer.status, 200, answer.text)
        let list = try XCTUnwrap(try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]])
        let kinds = Dictionary(uniqueKeysWithValues: list.map { ($0["file"] as! String, $0["kind"] as! String) })
        XCTAssertEqual(kinds["scenarios/small.lua"], "scenario")
        XCTAssertEqual(kinds["scenarios/broken.lua"], "broken", "shown, with its error, so that it can be fixed")
        XCTAssertNil(kinds["scenarios/sweep.lua"], "an experiment is not a scenario to run here")
    }

    func testTheControlsCarryTheManifestThrough() throws {
        let answer = try explorer.get("/api/scenario?path=scenarios/small.lua")
        XCTAssertEqual(answer.status, 200, answer.text)
        let scenario = try LoopbackClient.object(answer.text)
        let plugin = try XCTUnwrap((scenario["plugins"] as? [[String: Any]])?.first)
        let share = try XCTUnwrap((plugin["params"] as? [[String: Any]])?.first { $0["name"] as? String == "share" })
        XCTAssertEqual(share["type"] as? String, "number")
        XCTAssertEqual(share["control"] as? String, "slider")
        XCTAssertEqual(share["min"] as? Double, 0)
        XCTAssertEqual(share["max"] as? Double, 1)
        XCTAssertEqual(share["unit"] as? String, "share of adoption cost")
        XCTAssertEqual(share["doc"] as? String, "What the state pays.")
        XCTAssertEqual(share["source"] as? String, "Budget 2026, line 4.2")
        XCTAssertEqual(share["value"] as? Double, 0.25)
    }

    // MARK: Runs

    func testARunStreamsItsTicksAndEndsWithItsDownloads() throws {
        let request = #"{"scenario": "scenarios/small.lua", "ticks": 5, "firms": 200, "set": {"knob.share": 0.5}}"#
        let messages = try explorer.run(request)
        XCTAssertEqual(messages.first?["type"] as? String, "started")
        let ticks = messages.filter { $0["type"] as? String == "tick" }
        XCTAssertEqual(ticks.map { $0["tick"] as? Int }, [0, 1, 2, 3, 4], "each tick, in order, as it finishes")
        XCTAssertEqual(ticks.first?["date"] as? String, "2023Q1")
        XCTAssertNotNil(ticks.first?["charts"], "the first tick is drawn at once")
        let done = try XCTUnwrap(messages.last)
        XCTAssertEqual(done["type"] as? String, "done", "\(done)")
        let charts = try XCTUnwrap(done["charts"] as? [[String: Any]])
        XCTAssertTrue(charts.allSatisfy { ($0["svg"] as? String)?.hasPrefix("<svg") == true })
        let downloads = try XCTUnwrap(done["downloads"] as? [[String: String]])
        func href(_ name: String) throws -> String {
            "/" + (try XCTUnwrap(downloads.first { $0["name"] == name }?["href"]))
        }
        XCTAssertEqual(downloads.map { $0["name"] }, ["report.html", "series.csv", "summary.json"])
        let report = try explorer.get(try href("report.html"))
        XCTAssertEqual(report.status, 200)
        XCTAssertEqual(report.headers["content-type"], "text/html; charset=utf-8")
        XCTAssertTrue(report.text.contains("<svg") && report.text.contains("Run report"), "the run's own HTML report")
        let series = try explorer.get(try href("series.csv"))
        XCTAssertEqual(series.status, 200)
        XCTAssertEqual(series.headers["content-type"], "text/csv; charset=utf-8")
        let lines = series.text.split(separator: "\n")
        XCTAssertEqual(lines.count, 6, "a header and 5 ticks")
        let adoption = try XCTUnwrap(lines[0].split(separator: ",").firstIndex(of: "adoption"))
        XCTAssertEqual(
            lines.dropFirst().map { Double($0.split(separator: ",", omittingEmptySubsequences: false)[adoption]) },
            ticks.map { $0["adoption"] as? Double }, "the streamed rows are series.csv's")
        let summary = try explorer.get(try href("summary.json"))
        XCTAssertEqual(try LoopbackClient.object(summary.text)["ticks"] as? Int, 5)
        XCTAssertEqual(try explorer.get("/runs/nope-1/series.csv").status, 404, "only runs of this server")
    }

    /// A plugin that exits, loops or fills memory, and a run whose process crashes.
    func testAHostilePluginFailsItsRunWithItsMessageAndTheServerGoesOn() throws {
        let exits = try explorer.run(#"{"scenario": "scenarios/exits.lua"}"#)
        XCTAssertEqual(exits.last?["type"] as? String, "failed")
        let exitMessage = try XCTUnwrap(exits.last?["message"] as? String)
        XCTAssertTrue(exitMessage.hasPrefix("Error: plugins/exits/init.lua:3: in plugin 'exits'"), exitMessage)
        XCTAssertTrue(exitMessage.contains("'os'"), "os is not in the sandbox: \(exitMessage)")

        let loops = try explorer.run(#"{"scenario": "scenarios/loops.lua"}"#)
        XCTAssertEqual(loops.last?["type"] as? String, "failed")
        let loopMessage = try XCTUnwrap(loops.last?["message"] as? String)
        XCTAssertTrue(loopMessage.contains("instruction budget"), loopMessage)
        XCTAssertTrue(loopMessage.contains("plugin 'loops'"), loopMessage)

        let bloats = try explorer.run(#"{"scenario": "scenarios/bloats.lua"}"#)
        XCTAssertEqual(bloats.last?["type"] as? String, "failed")
        let memoryMessage = try XCTUnwrap(bloats.last?["message"] as? String)
        XCTAssertTrue(memoryMessage.contains("memory"), memoryMessage)
        XCTAssertTrue(memoryMessage.contains("plugin 'bloats'"), memoryMessage)

        // A crash of the run's process itself (as a bug in a library would), injected at tick 2.
        setenv("UPTAKE_INJECT_FAULT", "crash run=0 tick=2", 1)
        let crashes = try explorer.run(#"{"scenario": "scenarios/small.lua"}"#)
        unsetenv("UPTAKE_INJECT_FAULT")
        XCTAssertEqual(crashes.last?["type"] as? String, "failed")
        let crashMessage = try XCTUnwrap(crashes.last?["message"] as? String)
        XCTAssertTrue(crashMessage.contains("the run crashed"), crashMessage)
        XCTAssertTrue(crashMessage.contains("tick 2"), crashMessage)

        let next = try explorer.run(#"{"scenario": "scenarios/small.lua", "ticks": 3}"#)
        XCTAssertEqual(next.last?["type"] as? String, "done", "the next run is served: \(next.last ?? [:])")
        XCTAssertEqual(try explorer.get("/").status, 200)
    }

    func testARefusedRequestIsToldInThePage() throws {
        let bad = try explorer.run(#"{"scenario": "scenarios/small.lua", "set": {"limits.seconds": 0}}"#)
        XCTAssertEqual(bad.map { $0["type"] as? String }, ["failed"])
        XCTAssertEqual(bad[0]["message"] as? String, "'limits.seconds' is not a plugin parameter (plugin.param)")
        let wrong = try explorer.run(#"{"scenario": "scenarios/small.lua", "set": {"knob.share": 7}}"#)
        let message = try XCTUnwrap(wrong.last?["message"] as? String)
        XCTAssertTrue(message.contains("above its maximum 1"), "the run's own check of the manifest: \(message)")
    }

    func testClosingThePageKillsItsRun() throws {
        let marker = explorer.project.root.appendingPathComponent("scenarios/slow.lua").path
        let socket = try explorer.startRun(#"{"scenario": "scenarios/slow.lua"}"#)
        while let text = try socket.receive(), try LoopbackClient.object(text)["type"] as? String != "tick" {}
        XCTAssertFalse(StartedExplorer.processes(containing: marker).isEmpty, "the run is under way")
        socket.closeConnection()
        XCTAssertTrue(
            waitUntil { StartedExplorer.processes(containing: marker).isEmpty },
            "the run's processes (supervisor and run) are gone: \(StartedExplorer.processes(containing: marker))")
    }
}

/// Stopping the server.
final class ExplorerStopTests: XCTestCase {
    /// A browser tab left open keeps a connection; the server must not wait for it to stop.
    func testStoppingDoesNotWaitForAnIdleConnection() async throws {
        let explorer = try await StartedExplorer()
        let idle = try LoopbackClient(port: explorer.port)
        let stopped = Locked(false)
        Task {
            await explorer.stop()
            stopped.withLock { $0 = true }
        }
        let deadline = Date().addingTimeInterval(60)
        while !stopped.withLock({ $0 }) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        XCTAssertTrue(stopped.withLock { $0 }, "the server stopped while the connection was still open")
        withExtendedLifetime(idle) {}
    }
}

/// Runs over the limit wait their turn.
final class ExplorerQueueTests: XCTestCase {
    func testARunBeyondTheLimitWaitsForASlot() async throws {
        let explorer = try await StartedExplorer(maxConcurrentRuns: 1)
        let marker = explorer.project.root.appendingPathComponent("scenarios/slow.lua").path
        let first = try explorer.startRun(#"{"scenario": "scenarios/slow.lua"}"#)
        XCTAssertEqual(try first.receive().map(LoopbackClient.object)?["type"] as? String, "started")
        let second = try explorer.startRun(#"{"scenario": "scenarios/small.lua", "ticks": 2}"#)
        let waiting = try XCTUnwrap(try second.receive().map(LoopbackClient.object))
        XCTAssertEqual(waiting["type"] as? String, "queued")
        XCTAssertEqual(waiting["ahead"] as? Int, 1)
        first.closeConnection()
        let rest = try second.receiveAll()
        XCTAssertEqual(rest.first?["type"] as? String, "started", "the slot freed by the closed page")
        XCTAssertEqual(rest.last?["type"] as? String, "done")
        XCTAssertTrue(waitUntil { StartedExplorer.processes(containing: marker).isEmpty })
        await explorer.stop()
    }
}

/// Polls `condition` until it holds, for at most 60 s (a condition, not a duration: it returns as soon as it holds).
func waitUntil(_ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(60)
    while !condition() {
        if Date() > deadline { return false }
        usleep(20_000)
    }
    return true
}
