/// Kubernetes' `SecretKeySelector`: one key of one Secret in the EventSource's namespace.
public struct SecretKeySelector: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var name: String
    public var key: String
    public var optional: Bool

    public init(name: String, key: String, optional: Bool = false) {
        self.name = name
        self.key = key
        self.optional = optional
    }

    public var description: String { "secret \(name)/\(key)" }
}
