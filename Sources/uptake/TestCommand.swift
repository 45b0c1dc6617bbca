import ArgumentParser
import Foundation
import UptakeScripting

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run plugins' Lua tests (plugins/NAME/test/*.lua) and report each test as ok or FAIL.",
        discussion: """
            Each test file returns a table of named test functions; each gets a helper t \
            with t.run{...}, t.expect(x):equals(y) and t.fails(fn, text). See docs/plugins.md, \
            "Testing plugins". The exit status is 1 if any test failed.
            Examples:
              uptake test                          every plugin under ./plugins
              uptake test plugins/tax-relief       one plugin
              uptake test plugins/tax-relief/test/tax_relief_test.lua
            """
    )

    @Argument(help: "Plugin folders, folders of plugins, or test files (default: ./plugins).")
    var paths: [String] = []

    func run() throws {
        let found = try PluginTestFile.discover(paths)
        let runner = PluginTestRunner()
        var report = PluginTestReport(
            untested: found.untested.map { PluginTestFile(url: $0, pluginDirectory: nil).displayPath })
        for file in found.files {
            for outcome in runner.run(file) {
                print(PluginTestReport.lines(for: outcome))
                report.outcomes.append(outcome)
            }
        }
        print(report.summary)
        if report.failed > 0 { throw SomeFailed.tests }
    }
}
