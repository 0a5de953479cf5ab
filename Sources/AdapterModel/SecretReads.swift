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

    /// The Secret's value as Argo reads it; empty when it cannot be read, with the failure kept in
    /// `firstError`. Every Secret value (Redis password, TLS material, auth.yaml), in the controller
    /// and in `run`, is read here.
    public mutating func value(of selector: SecretKeySelector) -> SecretValue {
        names.insert(selector.name)
        do {
            return try Self.argoValue(try store.value(of: selector, namespace: namespace).bytes, of: selector)
        } catch {
            firstError = firstError ?? error
            return SecretValue([])
        }
    }

    /// Drops exactly one trailing "\n", as Argo's `GetSecretFromVolume` does: `kubectl create secret
    /// --from-file` and editors leave one that is not part of the secret. A value that was nothing
    /// but that newline is an error, not an empty password.
    public static func argoValue(_ bytes: [UInt8], of selector: SecretKeySelector) throws(SecretError) -> SecretValue {
        guard bytes.last == UInt8(ascii: "\n") else { return SecretValue(bytes) }
        guard bytes.count > 1 else {
            throw SecretError(selector: selector, reason: "holds only a newline; the value is empty")
        }
        return SecretValue(Array(bytes.dropLast()))
    }

    /// Argo's `TLSConfig` with each PEM read from its Secret.
    public mutating func tls(_ config: TLSConfig) -> TLSMaterial {
        TLSMaterial(
            caCertificate: config.caCertSecret.map { value(of: $0) },
            clientCertificate: config.clientCertSecret.map { value(of: $0) },
            clientKey: config.clientKeySecret.map { value(of: $0) }, insecureSkipVerify: config.insecureSkipVerify)
    }
}
