import AdapterModel

/// Everything the command line says about sinks, for `run` and `controller` alike.
public struct SinkOptions: Sendable, Equatable {
    public var http: HTTPSinkOptions
    public var jetStream: JetStreamSinkOptions
    /// Login for a `nats://` sink named by URL (`--sink`, `spec.sink.uri`); an EventBus brings its own.
    public var eventBusCredentials: NATSCredentials?
    /// TLS for a `nats://` or `tls://` sink named by URL; an EventBus brings its own.
    public var eventBusTLS: TLSMaterial?

    public init(
        http: HTTPSinkOptions = HTTPSinkOptions(), jetStream: JetStreamSinkOptions = JetStreamSinkOptions(),
        eventBusCredentials: NATSCredentials? = nil, eventBusTLS: TLSMaterial? = nil
    ) {
        self.http = http
        self.jetStream = jetStream
        self.eventBusCredentials = eventBusCredentials
        self.eventBusTLS = eventBusTLS
    }

}
