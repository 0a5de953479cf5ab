import EventSourceAPI

public struct SecretError: Error, Sendable, Equatable, CustomStringConvertible {
    public let selector: SecretKeySelector
    public let reason: String

    public init(selector: SecretKeySelector, reason: String) {
        self.selector = selector
        self.reason = reason
    }

    public var description: String { "\(selector): \(reason)" }
}

/// Where `SecretKeySelector`s resolve: a mounted folder for `run`, the Kubernetes API for the controller.
public protocol SecretStore: Sendable {
    func value(of selector: SecretKeySelector, namespace: String) throws(SecretError) -> SecretValue
}
