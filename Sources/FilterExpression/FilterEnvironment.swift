/// The variables a filter sees. For a Redis stream entry: `stream`, `message_id`, `values`
/// and `metadata`. A name the environment lacks reads as nil, as a missing map key does.
public struct FilterEnvironment: Sendable, Equatable {
    public var variables: [String: FilterValue]

    public init(_ variables: [String: FilterValue]) {
        self.variables = variables
    }

    /// Builds the environment the way Argo Events does from an event's data: `-` is not
    /// allowed in an expression's identifiers, so top-level keys have it replaced by `_`.
    /// Nested keys keep their names and stay reachable with `["key-with-dash"]`.
    public static func argo(_ data: [String: FilterValue]) -> FilterEnvironment {
        var variables: [String: FilterValue] = [:]
        for (key, value) in data { variables[argoVariableName(key)] = value }
        return FilterEnvironment(variables)
    }

    public static func argoVariableName(_ key: String) -> String {
        key.replacingDashes()
    }

    public subscript(name: String) -> FilterValue {
        variables[name] ?? .null
    }
}

extension String {
    fileprivate func replacingDashes() -> String {
        String(String.UnicodeScalarView(unicodeScalars.map { $0 == "-" ? "_" : $0 }))
    }
}
