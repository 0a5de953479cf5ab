import EventSourceAPI

extension TLSMaterial {
    /// Argo's `TLSConfig` with each PEM read from its Secret in `namespace`; a missing one is reported.
    public static func resolve(_ config: TLSConfig, namespace: String, secrets: SecretStore) throws(SecretError) -> TLSMaterial {
        try resolve(config) { (selector) throws(SecretError) in try secrets.value(of: selector, namespace: namespace) }
    }

    /// Argo's `TLSConfig` with each PEM that `read` returns for its Secret reference.
    static func resolve<Failure: Error>(
        _ config: TLSConfig, read: (SecretKeySelector) throws(Failure) -> SecretValue
    ) throws(Failure) -> TLSMaterial {
        func load(_ selector: SecretKeySelector?) throws(Failure) -> SecretValue? {
            guard let selector else { return nil }
            return try read(selector)
        }
        return TLSMaterial(
            caCertificate: try load(config.caCertSecret), clientCertificate: try load(config.clientCertSecret),
            clientKey: try load(config.clientKeySecret), insecureSkipVerify: config.insecureSkipVerify)
    }
}
