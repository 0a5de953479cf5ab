import EventSourceAPI
import Sinks

extension TLSMaterial {
    /// Argo's `TLSConfig` with each PEM read from its Secret in `namespace`; a missing one is reported.
    public static func resolve(_ config: TLSConfig, namespace: String, secrets: SecretStore) throws(SecretError) -> TLSMaterial {
        func load(_ selector: SecretKeySelector?) throws(SecretError) -> SecretValue? {
            guard let selector else { return nil }
            return try secrets.value(of: selector, namespace: namespace)
        }
        return TLSMaterial(
            caCertificate: try load(config.caCertSecret), clientCertificate: try load(config.clientCertSecret),
            clientKey: try load(config.clientKeySecret), insecureSkipVerify: config.insecureSkipVerify)
    }
}
