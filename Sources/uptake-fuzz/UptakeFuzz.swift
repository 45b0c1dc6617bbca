// uptake-fuzz: the fuzz targets of UptakeFuzzTargets, two ways.
//
// Built by scripts/fuzz.sh with `-sanitize=fuzzer -parse-as-library
// -D UPTAKE_LIBFUZZER`, it is a libFuzzer binary for the target named by the
// environment variable UPTAKE_FUZZ_TARGET:
//
//     UPTAKE_FUZZ_TARGET=lua-api .build-fuzz/release/uptake-fuzz CORPUS_DIR -max_total_time=60
//     UPTAKE_FUZZ_TARGET=list .build-fuzz/release/uptake-fuzz     (the targets)
//
// (The file is not main.swift: -parse-as-library refuses top-level code even
// in an inactive #if branch, so the replay driver is an @main type instead.)
//
// Built normally (swift build), it replays inputs, to reproduce and debug a
// finding without libFuzzer:
//
//     uptake-fuzz TARGET FILE...        run each file through the target
//     uptake-fuzz --lua lua-api FILE    print the Lua program lua-api makes of FILE
//     uptake-fuzz --list                the targets
import Foundation
import UptakeFuzzTargets

#if UPTAKE_LIBFUZZER
    import CLibFuzzer
    import UptakeLocks

    private let selectedTarget = Locked(FuzzTarget.scenario)

    /// The program's entry: SwiftPM links executables with `--defsym main=uptake_fuzz_main`,
    /// so this is main(); it hands control to libFuzzer, which parses the arguments.
    @_cdecl("uptake_fuzz_main")
    public func uptakeFuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        let name = ProcessInfo.processInfo.environment["UPTAKE_FUZZ_TARGET"] ?? ""
        if name == "list" {  // for scripts/fuzz.sh
            print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
            return 0
        }
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data(
                    "uptake-fuzz: set UPTAKE_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(name)')\n"
                        .utf8))
            return 2
        }
        selectedTarget.withLock { $0 = target }
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv) { start, count in
            FuzzTarget.run(selectedTarget.withLock { $0 }, start.map { Data(bytes: $0, count: count) } ?? Data())
            return 0
        }
    }

#else

    /// The replay driver (a normal build).
    @main
    enum UptakeFuzzReplay {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            let usage = """
                usage: uptake-fuzz TARGET FILE...      replay inputs through a fuzz target
                       uptake-fuzz --lua lua-api FILE   print the Lua program the lua-api target makes of FILE
                       uptake-fuzz --list               list the targets
                (Built by scripts/fuzz.sh with libFuzzer, the same program is the fuzzer; see docs/security.md#fuzzing.)

                """
            if arguments.first == "--list" {
                print(FuzzTarget.allCases.map(\.rawValue).joined(separator: "\n"))
                exit(0)
            }
            if arguments.first == "--lua", arguments.count == 3, arguments[1] == FuzzTarget.luaAPI.rawValue {
                guard let data = FileManager.default.contents(atPath: arguments[2]) else {
                    FileHandle.standardError.write(Data("uptake-fuzz: cannot read \(arguments[2])\n".utf8))
                    exit(1)
                }
                print(FuzzTarget.luaAPIProgram(data), terminator: "")
                exit(0)
            }
            guard arguments.count >= 2, let target = FuzzTarget(rawValue: arguments[0]) else {
                FileHandle.standardError.write(
                    Data((usage + "targets: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n").utf8))
                exit(2)
            }
            for file in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("uptake-fuzz: cannot read \(file)\n".utf8))
                    exit(1)
                }
                FileHandle.standardError.write(Data("\(target.rawValue): \(file) (\(data.count) bytes)\n".utf8))
                let started = Date()
                FuzzTarget.run(target, data)
                FileHandle.standardError.write(
                    Data(String(format: "  ok in %.3f s\n", Date().timeIntervalSince(started)).utf8))
            }
        }
    }

#endif
