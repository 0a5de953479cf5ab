import AdapterModel
import EventSourceAPI

/// Secrets as the controller last saw them, keyed by namespace and name. Resolving against a
/// snapshot makes a reconcile repeatable, and tells which secrets an EventSource used.
public struct SecretSnapshot: SecretStore, Sendable {
    /// namespace → secret name → key → value bytes (already base64-decoded).
    public var secrets: [String: [String: [String: [UInt8]]]]

    public init(secrets: [String: [String: [String: [UInt8]]]] = [:]) {
        self.secrets = secrets
    }

    public func value(of selector: SecretKeySelector, namespace: String) throws(SecretError) -> SecretValue {
        guard let secret = secrets[namespace]?[selector.name] else {
            throw SecretError(selector: selector, reason: "Secret \(namespace)/\(selector.name) not found")
        }
        guard let value = secret[selector.key] else {
            throw SecretError(selector: selector, reason: "Secret \(namespace)/\(selector.name) has no key \(selector.key)")
        }
        return SecretValue(value)
    }
}
