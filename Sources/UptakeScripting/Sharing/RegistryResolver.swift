/// Chooses one version of each plugin a project asks for, and of their
/// dependencies, from its registries (and, for a plugin no registry has, the
/// plugins already on the search path, such as the standard library).
///
/// A depth-first search with backtracking: the highest fitting version first
/// (the version the lock pins first, when it still fits, so that installing
/// one plugin does not move the others); a choice whose dependencies cannot
/// be met is undone and the next version tried. When nothing works, the
/// error is one paragraph, in the spirit of PubGrub's explanations: which
/// plugin wants which version of what, and which versions exist.
public struct RegistryResolver {
    /// A plugin version that can be chosen.
    public struct Candidate: Sendable {
        public var name: String
        public var version: SemanticVersion
        public var dependencies: [(name: String, constraint: VersionConstraint)]
        /// Where it is: "registry 'lab'" or a folder.
        public var place: String
        /// The registry entry, or nil for a plugin already on the search path.
        public var entry: RegistryIndex.Entry?
        public var registry: String?
    }

    /// What a project or a plugin asks for.
    public struct Requirement: Sendable {
        public var name: String
        public var constraint: VersionConstraint
        /// Who asks: "you (plugin install)", "uptake.lock", "plugin 'a' 1.2.0".
        public var by: String
        /// The plugin whose chosen version asks, nil for the project itself.
        public var plugin: String?
        public init(name: String, constraint: VersionConstraint, by: String, plugin: String? = nil) {
            self.name = name
            self.constraint = constraint
            self.by = by
            self.plugin = plugin
        }
    }

    /// Every candidate by plugin name, highest version first.
    var candidates: [String: [Candidate]]
    /// Versions to try first (what the lock pins).
    var preferred: [String: SemanticVersion]
    /// The registries searched, to name them when a plugin is in none.
    var registryNames: [String]
    /// Bounds the search: a pathological set of registries cannot make it run for ever.
    var budget = 20_000

    public init(candidates: [Candidate], preferred: [String: SemanticVersion], registryNames: [String]) {
        var byName: [String: [Candidate]] = [:]
        for c in candidates where !(byName[c.name] ?? []).contains(where: { $0.version == c.version }) {
            byName[c.name, default: []].append(c)  // the first registry that has a version wins
        }
        self.candidates = byName.mapValues { list in list.sorted { $0.version > $1.version } }
        self.preferred = preferred
        self.registryNames = registryNames
    }

    /// The chosen version of every plugin needed, by name.
    public mutating func resolve(_ requirements: [Requirement]) throws -> [String: Candidate] {
        var constraints: [String: [Requirement]] = [:]
        for r in requirements { constraints[r.name, default: []].append(r) }
        let names = Array(Set(requirements.map(\.name))).sorted()
        switch solve(pending: names, constraints: constraints, chosen: [:]) {
        case .success(let chosen): return chosen
        case .failure(let conflict):
            throw Diagnostic(
                file: "uptake.lock", problem: "cannot choose plugin versions that fit together: " + conflict.text,
                fix: conflict.fix
                    ?? "Relax a constraint (plugin install NAME@CONSTRAINT), or ask the publisher of the plugin "
                    + "that needs the missing version for a release that fits")
        }
    }

    /// Why a set of choices fails, and which plugins' chosen versions are to blame
    /// (`causes`): a choice not among them cannot help, so the search jumps back
    /// past it instead of trying its other versions (conflict-directed backjumping).
    struct Conflict: Error {
        var text: String
        var causes: Set<String>
        /// How to fix it, when it is not a matter of versions (a plugin no registry has).
        var fix: String? = nil
    }

    private mutating func solve(
        pending: [String], constraints: [String: [Requirement]], chosen: [String: Candidate]
    ) -> Result<[String: Candidate], Conflict> {
        guard let name = pending.first else { return .success(chosen) }
        let rest = Array(pending.dropFirst())
        let wanted = constraints[name] ?? []
        let askers = Set(wanted.compactMap(\.plugin))
        let all = candidates[name] ?? []
        let anyFits = all.contains { c in wanted.allSatisfy { $0.constraint.admits(c.version) } }
        if let already = chosen[name] {
            guard wanted.allSatisfy({ $0.constraint.admits(already.version) }) else {
                let text = RegistryResolver.clash(name, wanted, all, chosen: anyFits ? already : nil)
                return .failure(Conflict(text: text, causes: anyFits ? askers.union([name]) : askers))
            }
            return solve(pending: rest, constraints: constraints, chosen: chosen)
        }
        guard !all.isEmpty else {
            let asker = wanted.map(\.by).joined(separator: " and ")
            return .failure(
                Conflict(
                    text: "'\(name)' (needed by \(asker)) is in none of the registries ("
                        + (registryNames.isEmpty ? "uptake.toml names none" : registryNames.joined(separator: ", "))
                        + ") nor on the plugin search path", causes: askers,
                    fix: "Check the name with `uptake plugin search`, or add the registry that has it to uptake.toml"))
        }
        var fitting = all.filter { c in wanted.allSatisfy { $0.constraint.admits(c.version) } }
        guard !fitting.isEmpty else {
            return .failure(Conflict(text: RegistryResolver.clash(name, wanted, all, chosen: nil), causes: askers))
        }
        if let pin = preferred[name], let i = fitting.firstIndex(where: { $0.version == pin }) {
            fitting.insert(fitting.remove(at: i), at: 0)
        }
        var reasons: [String] = []
        var fixes: [String?] = []
        var causes = askers
        for candidate in fitting {
            budget -= 1
            guard budget > 0 else {
                return .failure(Conflict(text: "there are too many combinations of versions to try", causes: []))
            }
            var next = constraints
            var more = rest
            for dep in candidate.dependencies {
                next[dep.name, default: []].append(
                    Requirement(
                        name: dep.name, constraint: dep.constraint, by: "'\(name)' \(candidate.version)", plugin: name))
                if !more.contains(dep.name) { more.append(dep.name) }
            }
            var picked = chosen
            picked[name] = candidate
            switch solve(pending: more, constraints: next, chosen: picked) {
            case .success(let result): return .success(result)
            case .failure(let conflict):
                // Another version of this plugin cannot help: the conflict lies elsewhere.
                guard conflict.causes.contains(name) else { return .failure(conflict) }
                reasons.append("'\(name)' \(candidate.version) cannot be used because \(conflict.text)")
                fixes.append(conflict.fix)
                causes.formUnion(conflict.causes.subtracting([name]))
            }
        }
        if reasons.count == 1 { return .failure(Conflict(text: reasons[0], causes: causes, fix: fixes.first ?? nil)) }
        return .failure(
            Conflict(
                text: "no version of '\(name)' that fits "
                    + wanted.map { "\($0.constraint.text) (required by \($0.by))" }.joined(separator: " and ")
                    + " works: " + reasons.prefix(3).joined(separator: "; ")
                    + (reasons.count > 3 ? "; and \(reasons.count - 3) older versions fail the same way" : ""),
                causes: causes))
    }

    /// "'b' is required as ^1 by uptake.lock and as ^2 by 'a' 1.2.0, but no version is both:
    /// registry 'lab' has 2.0.0, 1.1.0, 1.0.0".
    static func clash(_ name: String, _ wanted: [Requirement], _ available: [Candidate], chosen: Candidate?) -> String {
        let asks = wanted.map { "\($0.constraint.text) by \($0.by)" }.joined(separator: " and as ")
        var places: [String] = []
        var byPlace: [String: [String]] = [:]
        for c in available {
            if byPlace[c.place] == nil { places.append(c.place) }
            byPlace[c.place, default: []].append(c.version.description)
        }
        let versions = places.map { "\($0) has \(byPlace[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
        if let chosen {
            return "'\(name)' is required as \(asks), which the chosen \(chosen.version) does not all fit (\(versions))"
        }
        return "'\(name)' is required as \(asks), but no version is all of that: \(versions)"
    }
}
