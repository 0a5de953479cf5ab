import StructuredData

/// Argo's `TLSConfig` for the Redis connection.
public struct TLSConfig: Sendable, Equatable, Hashable {
    public var caCertSecret: SecretKeySelector?
    public var clientCertSecret: SecretKeySelector?
    public var clientKeySecret: SecretKeySelector?
    public var insecureSkipVerify: Bool
    public var enabled: Bool

    public init(
        caCertSecret: SecretKeySelector? = nil, clientCertSecret: SecretKeySelector? = nil,
        clientKeySecret: SecretKeySelector? = nil, insecureSkipVerify: Bool = false, enabled: Bool = true
    ) {
        self.caCertSecret = caCertSecret
        self.clientCertSecret = clientCertSecret
        self.clientKeySecret = clientKeySecret
        self.insecureSkipVerify = insecureSkipVerify
        self.enabled = enabled
    }

    static func read(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> TLSConfig? {
        guard let object = reader.object(value, at: path) else { return nil }
        let config = TLSConfig(
            caCertSecret: reader.secretKeySelector(object["caCertSecret"], at: "\(path).caCertSecret"),
            clientCertSecret: reader.secretKeySelector(object["clientCertSecret"], at: "\(path).clientCertSecret"),
            clientKeySecret: reader.secretKeySelector(object["clientKeySecret"], at: "\(path).clientKeySecret"),
            insecureSkipVerify: reader.boolean(object["insecureSkipVerify"], at: "\(path).insecureSkipVerify") ?? false,
            // Argo turns TLS on whenever a tls block is present; `enabled: false` switches it off explicitly.
            enabled: reader.boolean(object["enabled"], at: "\(path).enabled") ?? true
        )
        if (config.clientCertSecret == nil) != (config.clientKeySecret == nil),
            object["clientCertSecret"] != nil || object["clientKeySecret"] != nil
        {
            reader.report(path, "clientCertSecret and clientKeySecret must be set together")
        }
        return config
    }
}
