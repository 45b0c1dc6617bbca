import Foundation

/// This source tree, for tests that read its plugins/, scenarios/, docs/ or
/// scripts/, or run `uptake` in it.
///
///     let baseline = Repository.root.appendingPathComponent("scenarios/baseline.lua")
public enum Repository {
    /// The folder with Package.swift: three levels up from this file (Tests/UptakeTestSupport/Repository.swift).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
}
