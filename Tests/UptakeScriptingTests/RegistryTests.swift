import XCTest
import UptakeTestSupport
@testable import UptakeScripting

/// Registries, signatures and trust: a folder registry's index and archives,
/// what a project trusts, and what an attacker with write access to a shared
/// drive (or a registry's index) can try.
final class RegistryTests: XCTestCase {
    /// A team's project with a plugin packed into dist/.
    func packed(
        _ name: String, version: String, dependencies: String = "",
        initLua: String = "return { on_tick = function() end }"
    ) throws -> URL {
        let p = try TemporaryProject()
        try p.plugin(name, version: version, dependencies: dependencies, initLua: initLua)
        return try PluginArchive.pack(
            p.plugins.appendingPathComponent(name), into: p.root.appendingPathComponent("dist"))
    }

    func installer(_ project: TemporaryProject, config: SharingConfig) throws -> RegistryInstaller {
        RegistryInstaller(
            project: project.root, config: config,
            registries: try PluginRegistries.open(config, project: project.root), searchPath: project.searchPath)
    }

    func config(registry: URL, trusting key: PublisherKey? = nil, require: Bool = false) -> SharingConfig {
        SharingConfig(
            registries: [.init(name: "shared", url: registry.path)],
            publishers: key.map { [$0.publisher: [$0.publicKeyText]] } ?? [:], requireSignatures: require)
    }

    func testPublishSearchAndInstallFromAFolderRegistryWithAPortableLock() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let key = PublisherKey(publisher: "policy-lab")
        let shared = FolderRegistry(name: "shared", root: registry)
        guard
            case .published(let entry) = try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: key)
        else { return XCTFail("not published") }
        XCTAssertEqual(entry.publisher, "policy-lab")
        XCTAssertTrue(
            FileManager.default.fileExists(
                atPath: registry.appendingPathComponent("archives/my-subsidy-1.0.0.zip").path))
        guard case .alreadyPublished = try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: key)
        else { return XCTFail("an identical version is published once") }

        let team = try TemporaryProject()
        let cfg = config(registry: registry, trusting: key, require: true)
        let registries = try PluginRegistries.open(cfg, project: team.root)
        XCTAssertEqual(registries.search("subsidy").map(\.entry.name), ["my-subsidy"])
        XCTAssertEqual(registries.search("nothing-like-it").count, 0)
        let changes = try installer(team, config: cfg).install("my-subsidy", constraint: nil)
        XCTAssertEqual(changes.map(\.to), ["1.0.0"])
        let lockText = try String(contentsOf: team.root.appendingPathComponent("uptake.lock"), encoding: .utf8)
        XCTAssertTrue(lockText.contains("source = \"registry:shared\""), lockText)
        XCTAssertTrue(lockText.contains("constraint = \"^1.0.0\""), lockText)
        XCTAssertTrue(lockText.contains("publisher = \"policy-lab\""), lockText)
        XCTAssertFalse(lockText.contains(team.root.path), "no absolute path in the lock: \(lockText)")
        // The installed, signed plugin runs under require_signatures.
        try team.write(
            "uptake.toml", "require_signatures = true\n[publishers]\npolicy-lab = [\"\(key.publicKeyText)\"]\n")
        XCTAssertNoThrow(try team.session(try team.scenario("\"my-subsidy\",")))
    }

    func testARunRefusesAnAlteredSignedPluginAndAnUnsignedOneWhenSignaturesAreRequired() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let key = PublisherKey(publisher: "policy-lab")
        _ = try FolderRegistry(name: "shared", root: registry).publish(
            try packed("my-subsidy", version: "1.0.0"), signedWith: key)
        let team = try TemporaryProject()
        _ = try installer(team, config: config(registry: registry, trusting: key)).install(
            "my-subsidy", constraint: nil)
        try team.write(
            "uptake.toml", "require_signatures = true\n[publishers]\npolicy-lab = [\"\(key.publicKeyText)\"]\n")
        try FileManager.default.removeItem(at: team.root.appendingPathComponent("uptake.lock"))
        try team.write("plugins/my-subsidy/init.lua", "return { on_tick = function(ctx) ctx.set('subsidy', 1) end }")
        let scenario = try team.scenario("\"my-subsidy\",")
        XCTAssertThrowsError(try team.session(scenario)) { e in
            guard let r = e as? TrustRefusal, case .tampered = r.reason else { return XCTFail("\(e)") }
            XCTAssertTrue(r.description.contains("altered after it was signed"), r.description)
        }
        try team.plugin("homemade", initLua: "return {}")
        XCTAssertThrowsError(try team.session(try team.scenario("\"homemade\",", name: "home.lua"))) { e in
            XCTAssertEqual((e as? TrustRefusal)?.reason, .unsigned, "\(e)")
        }
    }

    func testSignatureCoversNameVersionPublisherAndContent() throws {
        let key = PublisherKey(publisher: "policy-lab")
        let content = "sha256:" + String(repeating: "a", count: 64)
        let s = try PluginSignature.sign(name: "my-subsidy", version: "1.0.0", contentHash: content, with: key)
        XCTAssertTrue(s.isValid(name: "my-subsidy", version: "1.0.0", contentHash: content))
        XCTAssertFalse(s.isValid(name: "my-subsidy", version: "1.0.1", contentHash: content), "re-versioned")
        XCTAssertFalse(s.isValid(name: "other-name", version: "1.0.0", contentHash: content), "renamed")
        XCTAssertFalse(
            s.isValid(name: "my-subsidy", version: "1.0.0", contentHash: "sha256:" + String(repeating: "b", count: 64)))
        var claimed = s
        claimed.publisher = "someone-else"
        XCTAssertFalse(claimed.isValid(name: "my-subsidy", version: "1.0.0", contentHash: content), "re-attributed")
    }

    func testTrustPolicyRefusesUnknownPublishersForeignKeysAndRevokedKeysAndAcceptsARotatedKey() throws {
        let old = PublisherKey(publisher: "policy-lab"), new = PublisherKey(publisher: "policy-lab")
        let stranger = PublisherKey(publisher: "stranger")
        let forger = PublisherKey(publisher: "policy-lab")
        let content = "sha256:" + String(repeating: "c", count: 64)
        func signed(_ k: PublisherKey) throws -> PluginSignature {
            try PluginSignature.sign(name: "p", version: "1.0.0", contentHash: content, with: k)
        }
        func reason(_ policy: TrustPolicy, _ s: PluginSignature?) -> TrustRefusal.Reason? {
            do {
                try policy.check(s, name: "p", version: "1.0.0", contentHash: content, place: "test")
                return nil
            } catch { return (error as? TrustRefusal)?.reason }
        }
        // Rotation: both keys listed while plugins signed with either are in use.
        var config = SharingConfig(
            publishers: ["policy-lab": [old.publicKeyText, new.publicKeyText]], requireSignatures: true)
        XCTAssertNil(reason(TrustPolicy(config: config), try signed(old)))
        XCTAssertNil(reason(TrustPolicy(config: config), try signed(new)))
        XCTAssertEqual(reason(TrustPolicy(config: config), nil), .unsigned)
        XCTAssertEqual(
            reason(TrustPolicy(config: config), try signed(stranger)),
            .unknownPublisher(publisher: "stranger", key: stranger.publicKeyText))
        XCTAssertEqual(
            reason(TrustPolicy(config: config), try signed(forger)),
            .untrustedKey(publisher: "policy-lab", key: forger.publicKeyText))
        // Revocation wins over the list, with or without require_signatures.
        config.revokedKeys = [old.publicKeyText]
        XCTAssertEqual(
            reason(TrustPolicy(config: config), try signed(old)),
            .revokedKey(publisher: "policy-lab", key: old.publicKeyText))
        XCTAssertNil(reason(TrustPolicy(config: config), try signed(new)))
        config.requireSignatures = false
        XCTAssertEqual(
            reason(TrustPolicy(config: config), try signed(old)),
            .revokedKey(publisher: "policy-lab", key: old.publicKeyText))
        XCTAssertNil(reason(TrustPolicy(config: config), nil), "unsigned is fine when not required")
    }

    func testKeyFileRoundTripsAndIsPrivate() throws {
        let folder = try TemporaryFolder.make()
        let url = folder.appendingPathComponent("keys/policy-lab.key")
        let key = PublisherKey(publisher: "policy-lab")
        try key.write(to: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let loaded = try PublisherKey.load(url)
        XCTAssertEqual(loaded.publicKeyText, key.publicKeyText)
        XCTAssertEqual(loaded.publisher, "policy-lab")
        XCTAssertThrowsError(try key.write(to: url), "an existing key is never overwritten")
    }

    func testInstallRefusesAnArchiveSwappedInTheRegistryAndOneSignedByAForeignKey() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let key = PublisherKey(publisher: "policy-lab")
        let shared = FolderRegistry(name: "shared", root: registry)
        _ = try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: key)
        // Someone with write access replaces the archive: the index's checksum catches it.
        let evil = try packed(
            "my-subsidy", version: "1.0.0", initLua: "return { on_tick = function(ctx) ctx.set('subsidy', 1) end }")
        try FileManager.default.removeItem(at: registry.appendingPathComponent("archives/my-subsidy-1.0.0.zip"))
        try FileManager.default.copyItem(at: evil, to: registry.appendingPathComponent("archives/my-subsidy-1.0.0.zip"))
        let team = try TemporaryProject()
        XCTAssertThrowsError(
            try installer(team, config: config(registry: registry, trusting: key, require: true)).install(
                "my-subsidy", constraint: nil)
        ) { e in
            XCTAssertTrue("\(e)".contains("does not match the checksum in its index"), "\(e)")
        }
        // ... and fixes the index's checksums too: the signature catches it.
        var index = try shared.index()
        let swapped = try FolderRegistry.entry(for: evil, signedWith: nil)
        index.plugins[0].archiveSHA256 = swapped.archiveSHA256
        index.plugins[0].content = swapped.content
        try index.encoded().write(to: registry.appendingPathComponent("index.json"))
        XCTAssertThrowsError(
            try installer(team, config: config(registry: registry, trusting: key, require: true)).install(
                "my-subsidy", constraint: nil)
        ) { e in
            guard let r = e as? TrustRefusal, case .tampered = r.reason else { return XCTFail("\(e)") }
        }
        // ... or edits the dependencies the index lists (which choose other plugins' versions).
        _ = try shared.publish(try packed("my-subsidy", version: "1.1.0"), signedWith: key)
        index = try shared.index()
        let last = index.plugins.count - 1
        index.plugins[last].dependencies = [.init(name: "my-subsidy", version: "*", optional: false)]
        try index.encoded().write(to: registry.appendingPathComponent("index.json"))
        XCTAssertThrowsError(
            try installer(team, config: config(registry: registry, trusting: key, require: true)).install(
                "my-subsidy", constraint: try VersionConstraint("=1.1.0"))
        ) { e in
            XCTAssertTrue("\(e)".contains("does not match its index entry"), "\(e)")
        }
        // A foreign key signing as policy-lab in another registry.
        let other = try TemporaryFolder.make(prefix: "registry-")
        _ = try FolderRegistry(name: "shared", root: other).publish(
            evil, signedWith: PublisherKey(publisher: "policy-lab"))
        XCTAssertThrowsError(
            try installer(team, config: config(registry: other, trusting: key, require: true)).install(
                "my-subsidy", constraint: nil)
        ) { e in
            guard let r = e as? TrustRefusal, case .untrustedKey = r.reason else { return XCTFail("\(e)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: team.plugins.appendingPathComponent("my-subsidy").path))
    }

    func testAnIndexIsUntrustedInput() throws {
        let place = "registry/index.json"
        func refused(_ json: String) -> String? {
            do {
                _ = try RegistryIndex.decode(Data(json.utf8), place: place)
                return nil
            } catch { return "\(error)" }
        }
        let hash = String(repeating: "0", count: 64)
        func entry(name: String, version: String = "1.0.0") -> String {
            """
            {"format":1,"plugins":[{"name":"\(name)","version":"\(version)","api":"^1","description":"",
            "dependencies":[],"archive_sha256":"\(hash)","content":"sha256:\(hash)"}]}
            """
        }
        XCTAssertNil(refused(entry(name: "fine-name")))
        XCTAssertNotNil(refused(entry(name: "../../etc/passwd")))
        XCTAssertNotNil(refused(entry(name: "x", version: "1.0.0/../../y")))
        XCTAssertNotNil(refused(entry(name: "--upload-pack=evil")))
        XCTAssertNotNil(refused("{\"format\": 1"))
        XCTAssertTrue(
            refused(String(repeating: " ", count: RegistryIndex.maximumBytes + 1))?.contains("over the limit") ?? false)
    }

    func testASymbolicLinkInTheRegistryIsNotFollowed() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let shared = FolderRegistry(name: "shared", root: registry)
        _ = try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: nil)
        let secret = try TemporaryFolder.make().appendingPathComponent("secret")
        try Data("not yours".utf8).write(to: secret)
        let archive = registry.appendingPathComponent("archives/my-subsidy-1.0.0.zip")
        try FileManager.default.removeItem(at: archive)
        try FileManager.default.createSymbolicLink(at: archive, withDestinationURL: secret)
        let entry = try shared.index().plugins[0]
        XCTAssertThrowsError(try shared.archive(of: entry)) { e in
            XCTAssertTrue("\(e)".contains("symbolic link"), "\(e)")
        }
        let index = registry.appendingPathComponent("index.json")
        try FileManager.default.removeItem(at: index)
        try FileManager.default.createSymbolicLink(at: index, withDestinationURL: secret)
        XCTAssertThrowsError(try shared.index()) { e in XCTAssertTrue("\(e)".contains("symbolic link"), "\(e)") }
    }

    func testAPublishedVersionIsNeverReplaced() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let shared = FolderRegistry(name: "shared", root: registry)
        _ = try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: nil)
        let p = try TemporaryProject()
        try p.plugin("my-subsidy", version: "1.0.0", initLua: "return { different = true }")
        let changed = try PluginArchive.pack(p.plugins.appendingPathComponent("my-subsidy"), into: p.root)
        XCTAssertThrowsError(try shared.publish(changed, signedWith: nil)) { e in
            XCTAssertTrue("\(e)".contains("a published version is never replaced"), "\(e)")
        }
    }

    func testAPluginMadeByHandIsReplacedOnlyWithForce() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        _ = try FolderRegistry(name: "shared", root: registry).publish(
            try packed("my-subsidy", version: "1.0.0"), signedWith: nil)
        let team = try TemporaryProject()
        try team.plugin("my-subsidy", version: "0.3.0", initLua: "return {} -- our own")
        XCTAssertThrowsError(
            try installer(team, config: config(registry: registry)).install("my-subsidy", constraint: nil)
        ) {
            e in
            XCTAssertTrue("\(e)".contains("was not installed from a registry"), "\(e)")
        }
        XCTAssertEqual(
            try String(contentsOf: team.plugins.appendingPathComponent("my-subsidy/init.lua"), encoding: .utf8),
            "return {} -- our own")
        let changes = try installer(team, config: config(registry: registry)).install(
            "my-subsidy", constraint: nil, force: true)
        XCTAssertEqual(changes.map(\.from), ["0.3.0"])
    }

    func testTheScaffoldsPlaceholdersAreNotPublishedAndAMissingPluginSaysWhereToLook() throws {
        let p = try TemporaryProject()
        let folder = try PluginScaffold.create(name: "draft-policy", in: p.plugins)
        let archive = try PluginArchive.pack(folder, into: p.root.appendingPathComponent("dist"))
        let registry = try TemporaryFolder.make(prefix: "registry-")
        XCTAssertThrowsError(try FolderRegistry(name: "shared", root: registry).publish(archive, signedWith: nil)) {
            e in
            XCTAssertTrue("\(e)".hasPrefix(archive.path + ": in plugin 'draft-policy': the manifest still has"), "\(e)")
        }
        let team = try TemporaryProject()
        XCTAssertThrowsError(try installer(team, config: config(registry: registry)).install("ghost", constraint: nil))
        {
            e in
            XCTAssertTrue(
                "\(e)".contains("'ghost' (needed by your request) is in none of the registries (shared)"), "\(e)")
            XCTAssertTrue(
                "\(e)".hasSuffix(
                    "Check the name with `uptake plugin search`, or add the registry that has it to uptake.toml"),
                "\(e)")
        }
    }

    func testTwoPublishesAtOnceCannotBothRewriteTheIndex() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let shared = FolderRegistry(name: "shared", root: registry)
        let held = try PublishLock(registry: shared)
        XCTAssertThrowsError(try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: nil)) { e in
            XCTAssertTrue("\(e)".contains("another publish to registry 'shared' is under way"), "\(e)")
        }
        held.release()
        guard case .published = try shared.publish(try packed("my-subsidy", version: "1.0.0"), signedWith: nil) else {
            return XCTFail("publishing works once the lock is released")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: registry.appendingPathComponent("index.json.lock").path))
    }

    func testGitAddressesThatCouldBeOptionsOrCommandsAreRefused() throws {
        XCTAssertEqual(try GitURL("git+file:///srv/git/plugins.git").repository, "file:///srv/git/plugins.git")
        XCTAssertEqual(try GitURL("git+https://example.org/team/p.git#v1.2.0").ref, "v1.2.0")
        for bad in [
            "git+--upload-pack=touch /tmp/pwned", "git+-oProxyCommand=x", "git+ext::sh -c touch% /tmp/pwned",
            "git+file:///tmp/x.git#--upload-pack=evil", "git+https://host/x.git#a..b", "git+ftp://host/x.git",
            "git+https://host/x y.git", "https://host/x.git", "git+fd::17",
        ] {
            XCTAssertThrowsError(try GitURL(bad), bad)
        }
        XCTAssertEqual(GitSource.version(ofTag: "v1.2.0"), SemanticVersion(1, 2, 0))
        XCTAssertEqual(GitSource.version(ofTag: "1.2.0"), SemanticVersion(1, 2, 0))
        XCTAssertNil(GitSource.version(ofTag: "release-1"))
    }

    func testUpdateStaysWithinTheConstraintAndAConflictIsExplainedInOneParagraph() throws {
        let registry = try TemporaryFolder.make(prefix: "registry-")
        let shared = FolderRegistry(name: "shared", root: registry)
        _ = try shared.publish(try packed("base-lib", version: "1.0.0"), signedWith: nil)
        let team = try TemporaryProject()
        let cfg = config(registry: registry)
        XCTAssertEqual(try installer(team, config: cfg).install("base-lib", constraint: nil).map(\.to), ["1.0.0"])
        for v in ["1.1.0", "2.0.0"] { _ = try shared.publish(try packed("base-lib", version: v), signedWith: nil) }
        let lock = try Lockfile.load(team.root.appendingPathComponent("uptake.lock"))
        XCTAssertEqual(lock.entries.first?.constraint, "^1.0.0")
        let rows = try installer(team, config: cfg).outdated()
        XCTAssertEqual(rows.first?.locked, "1.0.0")
        XCTAssertEqual(rows.first?.wanted, "1.1.0")
        XCTAssertEqual(rows.first?.latest, "2.0.0")
        // A scenario of the project that asks for ~1.0 holds it back.
        let held = try team.scenario("{ \"base-lib\", version = \"~1.0\" },", name: "held.lua")
        let requirements = ScenarioConstraints.collect([held])
        XCTAssertEqual(requirements.map(\.by), ["scenario held.lua"])
        var holding = try installer(team, config: cfg)
        holding.scenarioRequirements = requirements
        XCTAssertEqual(try holding.outdated().first?.wanted, "1.0.0")
        XCTAssertEqual(try holding.update(nil), [])
        XCTAssertEqual(try installer(team, config: cfg).update(nil).map(\.to), ["1.1.0"])
        XCTAssertEqual(
            try PluginManifest.load(directory: team.plugins.appendingPathComponent("base-lib")).version,
            SemanticVersion(1, 1, 0))
        XCTAssertEqual(try installer(team, config: cfg).update(nil), [], "2.0.0 is outside ^1.0.0")
        // user-a needs base-lib ^2; the project holds it at ^1.0.0.
        _ = try shared.publish(
            try packed("user-a", version: "1.0.0", dependencies: "base-lib = \"^2\"\n"), signedWith: nil)
        XCTAssertThrowsError(try installer(team, config: cfg).install("user-a", constraint: nil)) { e in
            let text = "\(e)"
            XCTAssertTrue(
                text.contains(
                    "'user-a' 1.0.0 cannot be used because 'base-lib' is required as ^1.0.0 by uptake.lock and as ^2 "
                        + "by 'user-a' 1.0.0, but no version is all of that: registry 'shared' has 2.0.0, 1.1.0, 1.0.0"),
                text)
            XCTAssertFalse(text.contains("\n"), "one paragraph: \(text)")
        }
    }

    func testTheResolverFallsBackToAnOlderVersionWhoseDependenciesFit() throws {
        func candidate(_ name: String, _ version: String, _ deps: [(String, String)] = []) throws
            -> RegistryResolver.Candidate
        {
            RegistryResolver.Candidate(
                name: name, version: SemanticVersion(version)!,
                dependencies: try deps.map { (name: $0.0, constraint: try VersionConstraint($0.1)) },
                place: "registry 'lab'", entry: nil, registry: "lab")
        }
        var resolver = RegistryResolver(
            candidates: [
                try candidate("report-kit", "1.2.0", [("chart-lib", "^2")]),
                try candidate("report-kit", "1.1.0", [("chart-lib", "^1")]),
                try candidate("chart-lib", "1.4.0"), try candidate("chart-lib", "1.3.0"),
            ], preferred: ["chart-lib": SemanticVersion(1, 3, 0)], registryNames: ["lab"])
        let chosen = try resolver.resolve([
            .init(name: "report-kit", constraint: try VersionConstraint("^1"), by: "you")
        ])
        XCTAssertEqual(
            chosen["report-kit"]?.version, SemanticVersion(1, 1, 0), "1.2.0 needs a chart-lib that is nowhere")
        XCTAssertEqual(
            chosen["chart-lib"]?.version, SemanticVersion(1, 3, 0), "the pinned version is kept when it fits")
    }

    func testAnArchiveMayNotUnpackIntoTooManyFilesOrBytes() throws {
        let archive = try packed("my-subsidy", version: "1.0.0")  // plugin.toml, init.lua and the checksums
        let temp = try TemporaryFolder.make()
        XCTAssertThrowsError(try PluginArchive.unpack(archive, into: temp, maximumFiles: 2)) { e in
            XCTAssertTrue("\(e)".contains("would unpack into 3 files"), "\(e)")
        }
        XCTAssertThrowsError(try PluginArchive.unpack(archive, into: temp, maximumUnpackedBytes: 10)) { e in
            XCTAssertTrue("\(e)".contains("over the limits of"), "\(e)")
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), [], "nothing was unpacked")
        XCTAssertNoThrow(try PluginArchive.unpack(archive, into: temp))
    }

    func testAVersionOneLockIsStillRead() throws {
        let p = try TemporaryProject()
        try p.write(
            "uptake.lock",
            """
            lock-version = 1

            [[plugin]]
            name = "steady"
            version = "1.0.0"
            path = "plugins/steady"
            hash = "sha256:00"
            [plugin.files]
            "init.lua" = "00"
            """)
        let lock = try Lockfile.load(p.root.appendingPathComponent("uptake.lock"))
        XCTAssertEqual(lock.entries.first?.source, "project:plugins/steady")
        XCTAssertEqual(lock.entries.first?.path, "plugins/steady")
    }

    func testUptakeTomlIsCheckedWithLineNumbers() throws {
        let p = try TemporaryProject()
        try p.write("uptake.toml", "require_signatures = true\n[[registry]]\nname = \"Shared Drive\"\nurl = \"/x\"\n")
        XCTAssertThrowsError(try SharingConfig.load(project: p.root)) { e in
            XCTAssertTrue("\(e)".contains("registry name 'Shared Drive'"), "\(e)")
        }
        try p.write("uptake.toml", "[publishers]\npolicy-lab = [\"not a key\"]\n")
        XCTAssertThrowsError(try SharingConfig.load(project: p.root)) { e in
            XCTAssertTrue("\(e)".contains("uptake.toml:2:"), "\(e)")
        }
        try p.write("uptake.toml", "require_signature = true\n")
        XCTAssertThrowsError(try SharingConfig.load(project: p.root)) { e in
            XCTAssertTrue("\(e)".contains("Did you mean 'require_signatures'?"), "\(e)")
        }
    }
}
