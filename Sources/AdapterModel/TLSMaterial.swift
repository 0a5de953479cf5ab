/// TLS settings for a connection (Redis, NATS) with PEM contents already read from their
/// Secrets or files.
public struct TLSMaterial: Sendable, Hashable {
    public var caCertificate: SecretValue?
    public var clientCertificate: SecretValue?
    public var clientKey: SecretValue?
    public var insecureSkipVerify: Bool

    public init(
        caCertificate: SecretValue? = nil, clientCertificate: SecretValue? = nil, clientKey: SecretValue? = nil,
        insecureSkipVerify: Bool = false
    ) {
        self.caCertificate = caCertificate
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.insecureSkipVerify = insecureSkipVerify
    }
}
