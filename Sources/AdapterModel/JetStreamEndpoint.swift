import EventSourceAPI

/// Where an adapter publishes when its sink is an Argo EventBus: the NATS server, how to log in,
/// and the settings for the `default` stream should it not exist yet.
public struct JetStreamEndpoint: Sendable, Hashable {
    public var connection: NATSConnectionKey
    public var streamSettings: JetStreamStreamSettings
    /// The EventBus's name, when the endpoint came from one; shown in status.
    public var busName: String?

    public init(connection: NATSConnectionKey, streamSettings: JetStreamStreamSettings = .init(), busName: String? = nil) {
        self.connection = connection
        self.streamSettings = streamSettings
        self.busName = busName
    }

    /// For status and logs: `eventbus default (nats://host:4222)`, never a credential.
    public var displayName: String {
        guard let busName else { return "eventbus (\(connection.redactedURL))" }
        return "eventbus \(busName) (\(connection.redactedURL))"
    }
}

/// What makes two adapters share one NATS connection: the same URL, credentials and TLS material.
public struct NATSConnectionKey: Sendable, Hashable {
    public var url: String
    public var credentials: NATSCredentials?
    public var tls: TLSMaterial?

    public init(url: String, credentials: NATSCredentials? = nil, tls: TLSMaterial? = nil) {
        self.url = url
        self.credentials = credentials
        self.tls = tls
    }

    /// The URL without any `user:password@` part, in every server of a list.
    public var redactedURL: String { NATSServerList.redacted(url) }
}

/// Basic auth for NATS, as Argo reads it from the EventBus accessSecret (`auth.yaml`).
public struct NATSCredentials: Sendable, Hashable {
    public var username: String
    public var password: SecretValue

    public init(username: String, password: SecretValue) {
        self.username = username
        self.password = password
    }
}
