import Foundation
import XCTest

/// Folders for a test's files, away from the source tree, that the tests
/// leave behind only when one of them failed.
///
///     let out = try TemporaryFolder.make()
///     let spaced = try TemporaryFolder.make(prefix: "uptake lib ")  // a space in the path, as users' folders have
///
/// Every folder is made inside one folder of this test process's own
/// (`uptake-tests-PID` in the system's temporary folder), and that one is
/// removed when the test bundle finishes. Why not remove each folder after
/// its test: folders are made in static helpers and on worker threads, where
/// no test case is at hand to hang a teardown on, and a file a test hands to
/// a background process must outlive the helper that wrote it. Why keep them
/// after a failure: the failure messages name the paths, to look inside.
public enum TemporaryFolder {
    /// A new empty folder whose name is `prefix` and a UUID.
    public static func make(prefix: String = "folder-") throws -> URL {
        let url = processFolder.appendingPathComponent(prefix + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The folder all of this process's temporary folders are in; made (and its
    /// removal arranged) on first use. A static `let` is initialized once, whichever thread asks first.
    static let processFolder: URL = {
        let pid = ProcessInfo.processInfo.processIdentifier
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("uptake-tests-\(pid)")
        XCTestObservationCenter.shared.addTestObserver(Removal(folder: url))
        return url
    }()

    /// Removes the process's folder when the bundle finishes, unless a test failed.
    final class Removal: NSObject, XCTestObservation, @unchecked Sendable {
        // Unchecked Sendable: XCTest tells of finished test cases and of the bundle's end
        // on the one thread that runs the tests, in turn; `failed` is touched only there.
        let folder: URL
        var failed = false

        init(folder: URL) { self.folder = folder }

        func testCaseDidFinish(_ testCase: XCTestCase) {
            if testCase.testRun?.hasSucceeded == false { failed = true }
        }

        func testBundleDidFinish(_ testBundle: Bundle) {
            if failed {
                print("A test failed, so its temporary folders stay in \(folder.path) for a look inside.")
                return
            }
            try? FileManager.default.removeItem(at: folder)
        }
    }
}
