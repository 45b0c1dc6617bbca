import Foundation
import UptakeFiles

/// `uptake plugin new NAME`: a working plugin to start from, with a manifest,
/// hooks and a test that passes.
public enum PluginScaffold {
    public static func create(name: String, in directory: URL) throws -> URL {
        guard name.range(of: "^[a-z][a-z0-9-]*$", options: .regularExpression) != nil else {
            throw Diagnostic(
                file: name, problem: "'\(name)' is not a plugin name",
                fix: "Use lowercase letters, digits and dashes, starting with a letter, e.g. my-subsidy")
        }
        let folder = directory.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: folder.path) else {
            throw Diagnostic(
                file: folder.path, problem: "a folder '\(name)' already exists",
                fix: "Choose another name or remove the folder")
        }
        let files: [(String, String)] = [
            (
                "plugin.toml",
                """
                name = "\(name)"
                version = "0.1.0"
                api = "^1"
                description = "\(Placeholder.description)"
                authors = ["\(Placeholder.author)"]
                license = "MIT"

                [params.share]
                type = "number"
                default = 0.2
                min = 0
                max = 1
                unit = "share of adoption cost"
                doc = "The share of adoption cost the state pays for the target firms."
                source = "\(Placeholder.source)"

                [params.target]
                type = "selector"
                default = { size = "small" }
                doc = "Which firms the policy reaches, e.g. { sector = \\"retail\\", size = \\"small\\" }."

                [params.from]
                type = "date"
                doc = "First period of the policy; none means from the start."

                """
            ),
            (
                "init.lua",
                """
                -- \(name): pays part of the adoption cost of the target firms from a start date.
                -- Levers keep their value from tick to tick, so the plugin sets it every tick,
                -- and back to 0 outside the policy's dates.
                ---@type uptake.Hooks
                local plugin = {}

                function plugin.on_tick(ctx)
                  local p = ctx.params
                  local share = ctx.between(p.from, nil) and p.share or 0
                  ctx.set("subsidy", share, p.target)
                end

                function plugin.after_tick(ctx)
                  ctx.record("\(name.replacingOccurrences(of: "-", with: "_"))_spent", ctx.stats.spend.subsidy or 0)
                end

                return plugin

                """
            ),
            (
                "test/\(name)_test.lua",
                """
                -- Tests of \(name): run with `uptake test plugins/\(name)`.
                ---@type uptake.Tests
                local tests = {}

                tests["the subsidy reaches the target firms only"] = function(t)
                  local r = t.run{ ticks = 4, plugins = { { "\(name)", share = 0.3 } } }
                  t.expect(r.lever("subsidy", 0, { size = "small" })):equals(0.3)
                  t.expect(r.lever("subsidy", 0, { size = "large" })):equals(0)
                end

                tests["nothing is paid before the start date"] = function(t)
                  local r = t.run{ ticks = 4, plugins = { { "\(name)", share = 0.3, from = "2023Q3" } } }
                  t.expect(r.lever("subsidy", 1, { size = "small" })):equals(0)
                  t.expect(r.lever("subsidy", 2, { size = "small" })):equals(0.3)
                end

                return tests

                """
            ),
        ]
        // Made under a temporary name and renamed: a failure leaves no half plugin.
        let outputs = StagedOutputs()
        try outputs.stage(at: folder, kind: .folder) { temporary in
            do {
                try FileManager.default.createDirectory(
                    at: temporary.appendingPathComponent("test"), withIntermediateDirectories: true)
                for (path, text) in files {
                    try Data(text.utf8).write(to: temporary.appendingPathComponent(path))
                }
            } catch {
                throw FileSystemError(error, action: "cannot create the plugin", path: folder.path) ?? error
            }
        }
        try outputs.commit()
        return folder
    }

    /// What the scaffold writes for the author to replace; `uptake plugin
    /// check` refuses a plugin that still has them.
    public enum Placeholder {
        public static let description = "What this policy does, in one sentence."
        public static let author = "Your team"
        public static let source = "Assumed; replace with the policy's published figure."
    }
}
