import AdapterModel
import EventSourceAPI

/// The EventBus an EventSource without `spec.sink` names, as the controller last saw it.
public enum EventBusLookup: Sendable, Equatable {
    case found(EventBus)
    case invalid(name: String, ValidationError)

    /// The endpoint to publish to, with the bus's credentials and TLS material read from its
    /// Secrets in `namespace`; or why the bus cannot be used.
    public func endpoint(secrets: SecretStore, namespace: String) -> Result<JetStreamEndpoint, EntryProblem> {
        let bus: EventBus
        switch self {
        case .invalid(let name, let error): return .failure(.eventBus("EventBus \(name) is invalid: \(error)"))
        case .found(let found): bus = found
        }
        guard case .jetStream(let config) = bus.connection else {
            if case .unusable(let reason) = bus.connection { return .failure(.eventBus("EventBus \(bus.name): \(reason)")) }
            return .failure(.eventBus("EventBus \(bus.name) is not usable"))
        }
        do throws(SecretError) {
            var credentials: NATSCredentials?
            if let selector = config.accessSecret {
                let value = try secrets.value(of: selector, namespace: namespace)
                do {
                    credentials = try NATSCredentials.parse(authYAML: value.bytes)
                } catch {
                    return .failure(.eventBus("EventBus \(bus.name): \(selector): \(error)"))
                }
            }
            var tls: TLSMaterial?
            if let settings = config.tls, settings.enabled {
                tls = try TLSMaterial.resolve(settings, namespace: namespace, secrets: secrets)
            } else if config.url.lowercased().hasPrefix("tls://") {
                tls = TLSMaterial()
            }
            return .success(
                JetStreamEndpoint(
                    connection: NATSConnectionKey(url: config.url, credentials: credentials, tls: tls),
                    streamSettings: config.streamSettings, busName: bus.name))
        } catch {
            return .failure(.secret(error))
        }
    }

    /// The Secrets the bus's configuration reads.
    public var secretNames: Set<String> {
        guard case .found(let bus) = self, case .jetStream(let config) = bus.connection else { return [] }
        var names = Set<String>()
        for selector in [config.accessSecret, config.tls?.caCertSecret, config.tls?.clientCertSecret, config.tls?.clientKeySecret] {
            if let selector { names.insert(selector.name) }
        }
        return names
    }
}
