import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// The reference and the editor definitions come from APIReference; these
/// tests tie APIReference to what a plugin really finds in ctx.
final class APIReferenceTests: XCTestCase {
    func keysSeenByAPlugin() throws -> [String: [String]] {
        let p = try TemporaryProject()
        try p.plugin(
            "inspector",
            initLua: """
                local function keys(t) local out = {} for k in pairs(t) do out[#out + 1] = k end return table.concat(out, ",") end
                local M = {}
                function M.after_tick(ctx)
                  if ctx.tick ~= 2 then return end
                  ctx.log("ctx=" .. keys(ctx))
                  ctx.log("stats=" .. keys(ctx.stats))
                  ctx.log("firmset=" .. keys(ctx.firms()))
                end
                return M
                """)
        let s = try p.session(try p.scenario("\"inspector\","))
        var lines: [String] = []
        s.host.logSink = { lines.append($0) }
        try s.run()
        var result: [String: [String]] = [:]
        for line in lines {
            guard let body = line.components(separatedBy: "inspector: ").last, let eq = body.firstIndex(of: "=") else {
                continue
            }
            result[String(body[..<eq])] = body[body.index(after: eq)...].split(separator: ",").map(String.init).sorted()
        }
        return result
    }

    func testReferenceListsExactlyWhatPluginsFind() throws {
        let seen = try keysSeenByAPlugin()
        XCTAssertEqual(seen["ctx"], APIReference.ctx.members.map(\.name).sorted())
        XCTAssertEqual(seen["firmset"], APIReference.firmSet.members.map(\.name).sorted())
        // critical_mass and every stats key the reference names are present.
        XCTAssertEqual(seen["stats"], APIReference.stats.members.map(\.name).sorted())
    }

    func testDocsAPIPageIsCurrent() throws {
        let page = Repository.root.appendingPathComponent("docs/api.md")
        let text = try String(contentsOf: page, encoding: .utf8)
        XCTAssertEqual(text, APIReference.markdown(), "docs/api.md is stale: run `uptake api --markdown docs/api.md`")
    }

    func testLualsDefinitionsAreValidLua() throws {
        let lua = try LuaState()
        XCTAssertNoThrow(try lua.load(source: APIReference.luals(), chunkName: "uptake.d.lua"))
        let defs = APIReference.luals()
        for member in APIReference.ctx.members { XCTAssertTrue(defs.contains(member.name), member.name) }
        XCTAssertTrue(defs.contains("\"tax_relief\""))
    }

    /// The test helper's reference lists exactly what a test function finds in t, in t.run's result and in an assertion.
    func testReferenceListsExactlyWhatTestsFind() throws {
        let p = try TemporaryProject()
        try p.plugin("quiet", initLua: "return {}")
        let path = try p.write(
            "plugins/quiet/test/keys_test.lua",
            """
            local tests = {}
            local function keys(t) local out = {} for k in pairs(t) do out[#out + 1] = k end table.sort(out) return table.concat(out, ",") end
            tests["keys"] = function(t)
              local r = t.run{ ticks = 2, plugins = { "quiet" } }
              error("t=" .. keys(t) .. ";r=" .. keys(r) .. ";e=" .. keys(t.expect(1)))
            end
            return tests
            """)
        let file = PluginTestFile(
            url: URL(fileURLWithPath: path), pluginDirectory: p.root.appendingPathComponent("plugins/quiet"))
        let message = try XCTUnwrap(PluginTestRunner(searchPath: { _ in p.searchPath }).run(file).first?.failure)
        func names(_ label: String) -> [String] {
            let part = message.components(separatedBy: label + "=").last!.split(separator: ";").first!
            return part.split(separator: ",").map(String.init)
        }
        XCTAssertEqual(names("t"), APIReference.test.members.map(\.name).sorted())
        XCTAssertEqual(names("r"), APIReference.testRun.members.map(\.name).sorted())
        XCTAssertEqual(names("e"), APIReference.expectation.members.map(\.name).sorted())
    }
}
