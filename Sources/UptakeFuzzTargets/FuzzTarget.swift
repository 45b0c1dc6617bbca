import Foundation

/// The fuzz targets: each feeds bytes to a parser of outside input exactly as
/// the product uses it. Errors (a `Diagnostic`, a Lua error) are the expected
/// answer to bad input and are ignored; only a crash, a hang or a sanitizer
/// report is a finding.
///
/// Built with libFuzzer by `make fuzz` (scripts/fuzz.sh, product
/// `uptake-fuzz`); every file under Tests/Fuzz/Corpus/<target>/ and
/// Tests/Fuzz/Regressions/<target>/ is replayed by `swift test`
/// (UptakeFuzzTargetsTests) and by `uptake-fuzz TARGET FILE...`.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A scenario file (Lua, evaluated in the sandbox), then a short run of it.
    case scenario
    /// An experiment file (Lua), its design and the preflight `uptake batch` does.
    case experiment
    /// A plugin's `plugin.toml`.
    case manifest
    /// A firms CSV file named by a scenario (`firms = { file = ... }`).
    case firmsCSV = "firms-csv"
    /// An edges CSV file named by a scenario (`network = { kind = "edges", file = ... }`).
    case edgesCSV = "edges-csv"
    /// A run's series.csv given to `uptake report`, then charted (and the same bytes as its run.json).
    case seriesCSV = "series-csv"
    /// The text of one `--set PATH=VALUE`.
    case setValue = "set"
    /// `uptake.lock`.
    case lockfile
    /// A plugin archive (zip) given to `uptake plugin install`.
    case archive
    /// A registry's `index.json`, then resolution over what it lists.
    case registryIndex = "registry-index"
    /// A project's `uptake.toml`.
    case sharingConfig = "sharing-config"
    /// A results database opened by `uptake results`, `uptake sensitivity` and `uptake report`.
    case results
    /// A results database given to `uptake merge`.
    case merge
    /// Bytes read as a program that drives the Lua API (ctx and the sandbox's
    /// libraries) from two plugins' hooks with hostile values.
    case luaAPI = "lua-api"

    /// Runs one input. Never throws: errors are expected, crashes are not.
    public static func run(_ target: FuzzTarget, _ data: Data) {
        switch target {
        case .scenario: ScenarioTarget.run(data)
        case .experiment: ExperimentTarget.run(data)
        case .manifest: ManifestTarget.run(data)
        case .firmsCSV: FirmsCSVTarget.run(data)
        case .edgesCSV: EdgesCSVTarget.run(data)
        case .seriesCSV: SeriesCSVTarget.run(data)
        case .setValue: SetValueTarget.run(data)
        case .lockfile: LockfileTarget.run(data)
        case .archive: ArchiveTarget.run(data)
        case .registryIndex: RegistryIndexTarget.run(data)
        case .sharingConfig: SharingConfigTarget.run(data)
        case .results: ResultsTarget.run(data)
        case .merge: MergeTarget.run(data)
        case .luaAPI: LuaAPITarget.run(data)
        }
    }

    /// The init.lua of the two plugins the lua-api target makes of `data`.
    public static func luaAPIPlugins(_ data: Data) -> (a: String, b: String) {
        let p = LuaAPIProgram(data)
        return (p.pluginA, p.pluginB)
    }

    /// Both as one text (for debugging a finding: `uptake-fuzz --lua lua-api FILE`).
    public static func luaAPIProgram(_ data: Data) -> String {
        let p = luaAPIPlugins(data)
        return "-- plugins/fuzz-a/init.lua\n" + p.a + "\n-- plugins/fuzz-b/init.lua\n" + p.b
    }
}
