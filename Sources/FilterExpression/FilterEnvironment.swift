/// The variables a filter sees. For a Redis stream entry: `stream`, `message_id`, `values`
/// and `metadata`. A name the environment lacks reads as nil, as a missing map key does.
public struct FilterEnvironment: Sendable, Equatable {
    public var variables: [String: FilterValue]

    public init(_ variables: [String: FilterValue]) {
        self.variables = variables
    }

    /// Builds the environment the way Argo Events does from an event's data (eventing.go's
    /// filterEvent, then expr.GetFuncMap): `-` in top-level keys becomes `_`, since it is not
    /// allowed in identifiers; then top-level keys containing dots are expanded into nested
    /// maps (`{"a.b": 1}` becomes `{"a": {"b": 1}}`), dropping a key that is also the prefix of
    /// a dotted key (`{"a": 2, "a.b": 1}` keeps only `a.b`). Nested keys keep their names and
    /// stay reachable with `["key-with.dots"]`.
    public static func argo(_ data: [String: FilterValue]) -> FilterEnvironment {
        var renamed: [String: FilterValue] = [:]
        for (key, value) in data { renamed[argoVariableName(key)] = value }
        return FilterEnvironment(expandingDottedKeys(renamed))
    }

    public static func argoVariableName(_ key: String) -> String {
        String(String.UnicodeScalarView(key.unicodeScalars.map { $0 == "-" ? "_" : $0 }))
    }

    /// Argo's `removeConflicts` followed by `bellows.Expand`.
    static func expandingDottedKeys(_ flat: [String: FilterValue]) -> [String: FilterValue] {
        let keys = flat.keys.sorted(by: GoFormatting.utf8Less)
        var kept = flat
        for (position, key) in keys.enumerated() where position + 1 < keys.count {
            if keys[position + 1].utf8.starts(with: (key + ".").utf8) { kept[key] = nil }
        }
        var result: [String: FilterValue] = [:]
        for key in kept.keys.sorted(by: GoFormatting.utf8Less) {
            insert(kept[key]!, at: key.split(separator: ".", omittingEmptySubsequences: false).map(String.init), into: &result)
        }
        return result
    }

    private static func insert(_ value: FilterValue, at path: [String], into map: inout [String: FilterValue]) {
        guard path.count > 1 else {
            if map[path[0]] == nil { map[path[0]] = value }
            return
        }
        var child: [String: FilterValue] = [:]
        if case .map(let existing)? = map[path[0]] { child = existing } else if map[path[0]] != nil { return }
        insert(value, at: Array(path.dropFirst()), into: &child)
        map[path[0]] = .map(child)
    }

    public subscript(name: String) -> FilterValue {
        variables[name] ?? .null
    }
}
