import CLua
import Foundation

/// A Lua file that returns one declarative table marked by a function of
/// its kind: `return scenario { ... }`, `return experiment { ... }`. It runs
/// in the sandbox and may compute values, but cannot read files, draw random
/// numbers or require modules.
public struct DeclarativeFile: Sendable {
    /// "scenario" or "experiment": the marker function and the word in messages.
    public var kind: String
    /// A file of this kind in the project, for the "cannot read" hint.
    public var example: String
    /// What a minimal table looks like, for the "returned ... instead of a table" hint.
    public var shape: String
    /// The command that runs a file of this kind, with FILE for the path.
    public var command: String

    public static let scenario = DeclarativeFile(
        kind: "scenario", example: "scenarios/baseline.lua", shape: "name = \"...\", ...",
        command: "uptake run FILE")
    public static let experiment = DeclarativeFile(
        kind: "experiment", example: "scenarios/tax-relief-sweep.lua", shape: "scenario = \"baseline.lua\", ...",
        command: "uptake batch FILE --out results.db")
    public static let calibration = DeclarativeFile(
        kind: "calibration", example: "scenarios/calibrate-baseline.lua", shape: "scenario = \"baseline.lua\", ...",
        command: "uptake calibrate FILE --out OUT")
    /// Every kind: a file of one kind given where another is expected is recognised by its marker.
    public static let all = [scenario, experiment, calibration]

    public init(kind: String, example: String, shape: String, command: String) {
        self.kind = kind
        self.example = example
        self.shape = shape
        self.command = command
    }

    /// Runs the file in `sandbox` and returns the table it returns, with the
    /// file's text. `log` gets the lines the file prints (default: stderr).
    public func evaluate(
        file: String, sandbox: LuaSandbox,
        log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) throws -> (LuaTable, String) {
        try evaluate(bytes: try read(file: file), file: file, sandbox: sandbox, log: log)
    }

    /// The file's bytes, or the error that says why it cannot be read.
    public func read(file: String) throws -> Data {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            var isFolder: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: file, isDirectory: &isFolder)
            let problem =
                !exists
                ? "there is no \(kind) file here"
                : isFolder.boolValue ? "this is a folder, not a \(kind) file" : "cannot read the \(kind) file"
            throw Diagnostic(
                file: file, problem: problem, fix: "Check the path; \(kind)s are Lua files like \(example)")
        }
        return bytes
    }

    /// Runs `bytes`, the text of `file`, in `sandbox` and returns the table
    /// it returns, with the text. Nothing but the bytes decides the table:
    /// the file cannot draw random numbers, read files or the clock, or
    /// require modules, so evaluating the same bytes again gives the same table.
    public func evaluate(
        bytes: Data, file: String, sandbox: LuaSandbox,
        log: @escaping (String) -> Void = { FileHandle.standardError.write(Data(($0 + "\n").utf8)) }
    ) throws -> (LuaTable, String) {
        let lua = sandbox.lua
        let base = lua.top
        defer { lua.setTop(base) }
        let kind = self.kind
        let refuse: (String) -> (LuaState) throws -> Int32 = { what in { _ in throw ScriptCallError(what) } }
        let source = String(decoding: bytes, as: UTF8.self)
        try sandbox.pushNewEnvironment(
            .init(
                randomSeed: 0,
                refuseRandom: "\(kind) files cannot draw random numbers; set seed = N instead",
                require: refuse(
                    "\(kind) files cannot require modules"
                        + (kind == "scenario" ? "; list plugins in the scenario's plugins table" : "")),
                print: { l in
                    log(PluginHost.line(of: l))
                    return 0
                }))
        let env = lua.top
        // The marker only returns its argument: `scenario { ... }` reads as what it is.
        lua.pushFunction { l in
            guard lua_type(l.L, 1) == LUA_TTABLE else {
                throw ScriptCallError("\(kind) expects a table: \(kind) { ... }")
            }
            l.setTop(1)
            return 1
        }
        lua.setField(env, kind)
        // The other kinds' markers say which command the file is for,
        // instead of Lua's "attempt to call a nil value (global 'experiment')".
        let others = DeclarativeFile.all.filter { $0.kind != kind }
        for other in others {
            lua.pushFunction { _ in throw ScriptCallError(DeclarativeFile.wrongKindMarker + other.kind) }
            lua.setField(env, other.kind)
        }
        do {
            try sandbox.loadChunk(bytes: [UInt8](bytes), chunkName: file, environment: env)
            try lua.call(arguments: 0, results: 1)
        } catch let e as LuaError where e.message.contains("binary chunk") {
            throw Diagnostic(
                file: file, line: 1, problem: "the file is compiled Lua (a binary chunk), not Lua source text",
                fix:
                    "Give the \(kind)'s .lua source file; compiled chunks are refused because they can crash the interpreter"
            )
        } catch let e as LuaError
            where others.contains(where: { e.message.hasSuffix(DeclarativeFile.wrongKindMarker + $0.kind) })
        {
            let actual = others.first { e.message.hasSuffix(DeclarativeFile.wrongKindMarker + $0.kind) }!
            var d = Diagnostic(
                file: file, line: e.line,
                problem: "this is \(actual.article) \(actual.kind) file, not \(article) \(kind)",
                fix: "Run it with: \(actual.command.replacingOccurrences(of: "FILE", with: file))")
            d.wrongKind = actual.kind
            throw d
        } catch let e as LuaError {
            throw Diagnostic(
                file: e.file(resolvingAgainst: [file]) ?? file, line: e.line,
                problem: e.kind == .syntax ? "Lua syntax error: \(e.message)" : e.message,
                fix: e.kind == .syntax
                    ? "Fix the syntax at that line (a missing comma, bracket or 'end' is the usual cause)"
                    : "Fix the \(kind) at that line")
        }
        let value: LuaValue
        do { value = try lua.value(at: -1) } catch {
            throw Diagnostic(
                file: file, problem: "the \(kind) cannot be read: \(error)",
                fix: "Return plain data: numbers, strings, booleans and tables of them")
        }
        guard let table = value.table else {
            throw Diagnostic(
                file: file, line: source.components(separatedBy: "\n").count,
                problem: "the \(kind) returned \(value.typeName) instead of a table",
                fix: "End the file with: return \(kind) { \(shape) }")
        }
        return (table, source)
    }

    /// "a" or "an", for messages.
    var article: String { "aeiou".contains(kind.first ?? "x") ? "an" : "a" }

    /// Begins the error a wrong marker raises; the kind it marks follows.
    static let wrongKindMarker = "uptake: the file is of kind "
}
