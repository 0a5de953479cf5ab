import EventSourceAPI

/// Reads one object's Secrets from a store, remembering the name of every Secret asked for, found
/// or not, and the first failure. Reading on after a missing Secret keeps the names complete: they
/// are the Secrets the object depends on, which the controller fetches and watches.
public struct SecretReads {
    public let store: SecretStore
    public let namespace: String
    public private(set) var names: Set<String> = []
    public private(set) var firstError: SecretError?

    public init(store: SecretStore, namespace: String) {
        self.store = store
        self.namespace = namespace
    }

    /// The Secret's value; empty when it cannot be read, with the failure kept in `firstError`.
    public mutating func value(of selector: SecretKeySelector) -> SecretValue {
        names.insert(selector.name)
        do {
            return try store.value(of: selector, namespace: namespace)
        } catch {
            firstError = firstError ?? error
            return SecretValue([])
        }
    }

    /// Argo's `TLSConfig` with each PEM read from its Secret.
    public mutating func tls(_ config: TLSConfig) -> TLSMaterial {
        TLSMaterial(
            caCertificate: config.caCertSecret.map { value(of: $0) },
            clientCertificate: config.clientCertSecret.map { value(of: $0) },
            clientKey: config.clientKeySecret.map { value(of: $0) }, insecureSkipVerify: config.insecureSkipVerify)
    }
}
