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

    /// Reads a `tls` block with Argo's rules (`ValidateTLSConfig` and `GetTLSConfig`): a valid block always
    /// turns TLS on; `insecureSkipVerify` accepts anything and then uses neither CA nor client certificate;
    /// otherwise a CA, a client certificate and key, or `enabled: true` is required.
    static func read(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> TLSConfig? {
        guard let object = reader.object(value, at: path) else { return nil }
        FieldSchema.tls.warnAboutUnknownKeys(of: object, at: path, into: &reader)
        let ca = reader.secretKeySelector(object["caCertSecret"], at: "\(path).caCertSecret")
        let cert = reader.secretKeySelector(object["clientCertSecret"], at: "\(path).clientCertSecret")
        let key = reader.secretKeySelector(object["clientKeySecret"], at: "\(path).clientKeySecret")
        let insecure = reader.boolean(object["insecureSkipVerify"], at: "\(path).insecureSkipVerify") ?? false
        let enabled = reader.boolean(object["enabled"], at: "\(path).enabled") ?? false
        let anySecret = object["caCertSecret"] != nil || object["clientCertSecret"] != nil || object["clientKeySecret"] != nil
        if insecure {
            if anySecret {
                reader.warn(
                    path,
                    "with insecureSkipVerify, as in Argo, the server is not verified and no CA or client certificate is used; "
                        + "remove insecureSkipVerify to use them")
            }
            if object["enabled"] != nil, !enabled { reader.warn("\(path).enabled", "false is ignored, as by Argo: TLS is on") }
            return TLSConfig(insecureSkipVerify: true, enabled: true)
        }
        if !anySecret, !enabled {
            reader.report(
                path,
                "turns on nothing: set caCertSecret, or clientCertSecret and clientKeySecret, or enabled: true "
                    + "(Argo rejects this block too); remove tls for a plain connection")
            return nil
        }
        if (object["clientCertSecret"] == nil) != (object["clientKeySecret"] == nil) {
            reader.report(path, "clientCertSecret and clientKeySecret must be set together")
        }
        if anySecret, object["enabled"] != nil, !enabled {
            reader.warn(
                "\(path).enabled", "false is ignored when certificates are given, as by Argo: TLS is on; remove tls to turn it off")
        }
        return TLSConfig(caCertSecret: ca, clientCertSecret: cert, clientKeySecret: key, insecureSkipVerify: false, enabled: true)
    }
}
