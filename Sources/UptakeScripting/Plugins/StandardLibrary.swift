import Foundation

/// The executable that is running, as the kernel knows it.
///
/// `CommandLine.arguments[0]` is whatever the caller typed: a bare `uptake`
/// found on `PATH`, a relative path, a symlink. `/proc/self/exe` is the file
/// actually executed, with every symlink resolved, so it is what workers are
/// started from, what `uptake slurm` writes into a script and where the
/// standard library is looked for.
///
///     SelfExecutable.path   // "/usr/local/bin/uptake", even when run as `uptake` or through ~/bin/uptake -> ...
public enum SelfExecutable {
    public static var path: String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else {
            // No /proc (a chroot without it): the best left is argv[0] made absolute.
            return URL(fileURLWithPath: CommandLine.arguments.first ?? "uptake").standardizedFileURL
                .resolvingSymlinksInPath().path
        }
        let target = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // The kernel marks a binary replaced while it runs (an upgrade); its folder is still right.
        return target.hasSuffix(" (deleted)") ? String(target.dropLast(" (deleted)".count)) : target
    }
}

/// Where the standard plugin library that ships with this uptake is, found
/// from the executable's own location (never from the working folder):
///
/// - installed: `PREFIX/bin/uptake` reads `PREFIX/share/uptake/plugins`
///   (`make install`, the Debian package);
/// - a build: `ROOT/.build/<...>/uptake` (any build folder whose name starts
///   with `.build`) reads the source tree's `ROOT/plugins`.
///
/// An installed layout wins when both apply. When neither folder exists the
/// library is `missing`, and `expected` says where it should be, so the
/// message of a plugin not found can say what to reinstall.
public struct StandardLibrary: Sendable, Equatable {
    public enum Layout: String, Sendable {
        case installed
        case sourceTree
    }

    /// The folder of plugins (or, when missing, where it was expected).
    public var directory: URL
    public var layout: Layout
    public var exists: Bool
    /// The executable it was found from.
    public var executable: String

    /// The library of the running executable.
    public static let current = locate(executable: SelfExecutable.path)

    /// The library for an executable at `executable` (an absolute path, symlinks already resolved).
    public static func locate(executable: String) -> StandardLibrary {
        let binary = URL(fileURLWithPath: executable).standardizedFileURL
        let installed = binary.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/uptake/plugins").standardizedFileURL
        if isDirectory(installed) {
            return StandardLibrary(directory: installed, layout: .installed, exists: true, executable: binary.path)
        }
        if let root = sourceTree(containing: binary) {
            let plugins = root.appendingPathComponent("plugins")
            return StandardLibrary(
                directory: plugins, layout: .sourceTree, exists: isDirectory(plugins), executable: binary.path)
        }
        return StandardLibrary(directory: installed, layout: .installed, exists: false, executable: binary.path)
    }

    /// The source tree a built binary lies in: the folder above its nearest
    /// `.build*` folder, if that folder has the package's `Package.swift`.
    static func sourceTree(containing binary: URL) -> URL? {
        let components = binary.pathComponents
        guard let build = components.dropLast().lastIndex(where: { $0.hasPrefix(".build") }), build > 0 else {
            return nil
        }
        let root = URL(fileURLWithPath: NSString.path(withComponents: Array(components[..<build])))
        return FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) ? root : nil
    }

    static func isDirectory(_ url: URL) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &directory) && directory.boolValue
    }

    /// Said when a plugin is not found and the library is missing: where it
    /// belongs and how to put it there.
    public var missingNote: String {
        switch layout {
        case .installed:
            return "the standard library is missing: it belongs in \(directory.path), beside \(executable); "
                + "reinstall uptake (`make install PREFIX=...` or the .deb package) rather than copying the binary alone"
        case .sourceTree:
            return
                "the standard library is missing: the build \(executable) reads the source tree's \(directory.path); "
                + "restore that folder (git checkout plugins)"
        }
    }
}
