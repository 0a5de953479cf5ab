import AdapterModel
import EventSourceAPI

/// The EventBus an EventSource without `spec.sink` names, as the controller last saw it.
public enum EventBusLookup: Sendable, Equatable {
    case found(EventBus)
    case invalid(name: String, ValidationError)

    /// The endpoint to publish to, with the bus's credentials and TLS material read from its
    /// Secrets in `namespace`, or why the bus cannot be used; and the names of the Secrets it read,
    /// found or not.
    ///
    /// TLS: the bus's `tls` block when it has one, verified as it says. Without one, Argo's clients
    /// use TLS and verify nothing; here the bus's CA annotation, else `pinnedCA` (the controller's
    /// `--eventbus-ca-file`), verifies the server instead, and with neither the connection is
    /// Argo's (`tls` nil: unverified TLS, plain text only when the server offers no TLS).
    public func endpoint(
        secrets: SecretStore, namespace: String, pinnedCA: SecretValue? = nil
    ) -> (endpoint: Result<JetStreamEndpoint, EntryProblem>, secretNames: Set<String>) {
        let bus: EventBus
        switch self {
        case .invalid(let name, let error): return (.failure(.eventBus("EventBus \(name) is invalid: \(error)")), [])
        case .found(let found): bus = found
        }
        guard case .jetStream(let config) = bus.connection else {
            if case .unusable(let reason) = bus.connection { return (.failure(.eventBus("EventBus \(bus.name): \(reason)")), []) }
            return (.failure(.eventBus("EventBus \(bus.name) is not usable")), [])
        }
        var reads = SecretReads(store: secrets, namespace: namespace)
        let access = config.accessSecret.map { reads.value(of: $0) }
        let accessError = reads.firstError
        var tls: TLSMaterial?
        if let settings = config.tls, settings.enabled {
            tls = reads.tls(settings)
        } else if let annotated = bus.caCertSecret {
            tls = TLSMaterial(caCertificate: reads.value(of: annotated))
        } else if let pinnedCA {
            tls = TLSMaterial(caCertificate: pinnedCA)
        }
        // Problems in the order they used to stop the reading: the access Secret, its contents, TLS.
        if let accessError { return (.failure(.secret(accessError)), reads.names) }
        var credentials: NATSCredentials?
        if let selector = config.accessSecret, let access {
            do {
                credentials = try NATSCredentials.parse(authYAML: access.bytes)
            } catch {
                return (.failure(.eventBus("EventBus \(bus.name): \(selector): \(error)")), reads.names)
            }
        }
        if let error = reads.firstError { return (.failure(.secret(error)), reads.names) }
        let endpoint = JetStreamEndpoint(
            connection: NATSConnectionKey(url: config.url, credentials: credentials, tls: tls),
            streamSettings: config.streamSettings, busName: bus.name)
        return (.success(endpoint), reads.names)
    }
}
