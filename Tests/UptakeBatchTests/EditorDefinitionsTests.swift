import Foundation
import XCTest
@testable import UptakeBatch
import UptakeScripting
import UptakeTestSupport

/// The editor definitions (`uptake api --luals`) declare every key the
/// scenario and experiment decoders accept: every key of the project's own
/// scenario and experiment files resolves to a declared field, as
/// lua-language-server would resolve it, and a misspelt key does not.
final class EditorDefinitionsTests: XCTestCase {
    /// The definitions as uptake api --luals writes them.
    static func definitions() throws -> String {
        APIReference.luals() + "\n" + (try ScenarioDefinitions.luals()) + (try ExperimentDefinitions.luals())
            + (try Calibration.luals())
    }

    /// Classes and their fields' types, read from `---@class` and `---@field` lines.
    static func classes(_ text: String) -> [String: [String: String]] {
        var result: [String: [String: String]] = [:]
        var current: String?
        for line in text.split(separator: "\n") {
            let words = line.split(separator: " ", maxSplits: 2).map(String.init)
            if words.first == "---@class", words.count >= 2 {
                current = words[1]
                result[words[1]] = [:]
            }
            if words.first == "---@field", words.count >= 3, let c = current {
                let name = words[1].hasSuffix("?") ? String(words[1].dropLast()) : words[1]
                // The type is the first word, or a whole table<K, V> (which has a space).
                let rest = words[2]
                let type =
                    rest.hasPrefix("table<")
                    ? String(rest[...rest.firstIndex(of: ">")!]) : String(rest.split(separator: " ").first ?? "")
                result[c]![name] = type
            }
        }
        return result
    }

    /// The paths of `table` that the class does not declare, following nested classes.
    static func undeclared(
        _ table: LuaTable, in className: String, classes: [String: [String: String]], path: String = ""
    ) -> [String] {
        guard let fields = classes[className] else { return [] }
        var problems: [String] = []
        for field in table.fields {
            let here = path.isEmpty ? field.key : path + "." + field.key
            guard let type = fields[field.key] else {
                problems.append(here)
                continue
            }
            guard case .table(let inner) = field.value else { continue }
            if type.hasPrefix("table<string, "),
                case let item = String(type.dropFirst("table<string, ".count).dropLast()), classes[item] != nil
            {
                for entry in inner.fields {
                    if case .table(let t) = entry.value {
                        problems += undeclared(t, in: item, classes: classes, path: here + "." + entry.key)
                    }
                }
            } else if let nested = type.split(separator: "|").map(String.init).first(where: { classes[$0] != nil }) {
                problems += undeclared(inner, in: nested, classes: classes, path: here)
            }
        }
        return problems
    }

    func testDefinitionsAreValidLua() throws {
        let lua = try LuaState()
        XCTAssertNoThrow(try lua.load(source: try Self.definitions(), chunkName: "uptake.d.lua"))
    }

    func testEveryKeyOfTheProjectsScenariosAndExperimentsIsDeclared() throws {
        let classes = Self.classes(try Self.definitions())
        XCTAssertNotNil(classes["uptake.Scenario.firms.sectors.item"])
        let folder = Repository.root.appendingPathComponent("scenarios")
        var checked = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where name.hasSuffix(".lua") {
            let file = folder.appendingPathComponent(name).path
            let text = try String(contentsOfFile: file, encoding: .utf8)
            if text.contains("return calibration") {
                let lua = try LuaState()
                let (table, _) = try DeclarativeFile.calibration.evaluate(file: file, sandbox: try LuaSandbox(lua: lua))
                XCTAssertEqual(Self.undeclared(table, in: "uptake.Calibration", classes: classes), [], name)
            } else if text.contains("return experiment") {
                let (table, _) = try ExperimentLoader.evaluate(file: file)
                XCTAssertEqual(Self.undeclared(table, in: "uptake.Experiment", classes: classes), [], name)
            } else {
                let lua = try LuaState()
                let (table, _) = try ScenarioLoader.evaluate(file: file, sandbox: try LuaSandbox(lua: lua))
                XCTAssertEqual(Self.undeclared(table, in: "uptake.Scenario", classes: classes), [], name)
            }
            checked += 1
        }
        XCTAssertGreaterThanOrEqual(checked, 5)
    }

    func testMisspeltKeysAreNotDeclared() throws {
        let classes = Self.classes(try Self.definitions())
        let scenario = LuaTable(fields: [
            ("netwrok", .table(LuaTable())),
            ("network", .table(LuaTable(fields: [("degre", .integer(4)), ("degree", .integer(4))]))),
            (
                "firms",
                .table(
                    LuaTable(fields: [
                        (
                            "sectors",
                            .table(
                                LuaTable(fields: [
                                    (
                                        "retail",
                                        .table(
                                            LuaTable(fields: [
                                                ("shar", .number(0.1)),
                                                ("size_mix", .table(LuaTable(fields: [("tiny", .number(1))]))),
                                            ]))
                                    )
                                ]))
                        )
                    ]))
            ),
        ])
        XCTAssertEqual(
            Set(Self.undeclared(scenario, in: "uptake.Scenario", classes: classes)),
            ["netwrok", "network.degre", "firms.sectors.retail.shar", "firms.sectors.retail.size_mix.tiny"])
        let experiment = LuaTable(fields: [
            ("design", .table(LuaTable(fields: [("sample", .integer(3))]))),
            ("stop", .table(LuaTable(fields: [("at_lest", .number(1))]))),
        ])
        XCTAssertEqual(
            Set(Self.undeclared(experiment, in: "uptake.Experiment", classes: classes)),
            ["design.sample", "stop.at_lest"])
    }
}
