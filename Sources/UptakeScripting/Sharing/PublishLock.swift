import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// `index.json.lock` in a folder registry while one publish reads and
/// rewrites the index: two teams publishing to a shared drive at the same
/// moment would otherwise each write an index without the other's entry.
/// Made with O_EXCL, so only one publisher gets it; one left by a publish
/// that was killed is taken over after `staleAfter` seconds.
struct PublishLock {
    static let fileName = "index.json.lock"
    static let staleAfter: TimeInterval = 600

    let url: URL

    init(registry: FolderRegistry) throws {
        url = registry.root.appendingPathComponent(PublishLock.fileName)
        for attempt in 0..<2 {
            let fd = open(url.path, O_CREAT | O_EXCL | O_WRONLY, 0o644)
            if fd >= 0 {
                let owner = "\(ProcessInfo.processInfo.hostName) \(getpid())\n"
                _ = owner.withCString { write(fd, $0, strlen($0)) }
                close(fd)
                return
            }
            let modified =
                (try? FileManager.default.attributesOfItem(atPath: url.path)[.modificationDate]) as? Date
            guard attempt == 0, let modified, Date().timeIntervalSince(modified) > PublishLock.staleAfter else { break }
            try? FileManager.default.removeItem(at: url)
        }
        throw Diagnostic(
            file: url.path, problem: "another publish to registry '\(registry.name)' is under way",
            fix: "Publish again in a minute; if nobody is publishing, a killed publish left this file: remove it")
    }

    func release() { try? FileManager.default.removeItem(at: url) }
}
