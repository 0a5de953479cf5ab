import EventSourceAPI

/// A NATS JetStream server to publish to: an Argo EventBus, which brings its own login and TLS,
/// or a `nats://` / `tls://` URL, which takes them from the command line.
public enum JetStreamDestination: Sendable, Hashable {
    case eventBus(JetStreamEndpoint)
    case url(String)

    /// The endpoint to connect to. A URL gets the command line's login and TLS; a `tls://` URL
    /// without a CA still requires TLS, verified as Argo's clients verify it (not at all).
    public func endpoint(credentials: NATSCredentials?, tls: TLSMaterial?) -> JetStreamEndpoint {
        switch self {
        case .eventBus(let endpoint): return endpoint
        case .url(let url):
            var tls = tls
            if tls == nil, url.lowercased().hasPrefix("tls://") { tls = TLSMaterial() }
            return JetStreamEndpoint(connection: NATSConnectionKey(url: url, credentials: credentials, tls: tls))
        }
    }

    public var description: String {
        switch self {
        case .eventBus(let endpoint): return endpoint.displayName
        case .url(let url): return "eventbus (\(NATSServerList.redacted(url)))"
        }
    }
}
