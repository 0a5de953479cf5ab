import EventSourceAPI

/// Where one adapter's events go, decided once: from the EventBus the EventSource names, else
/// its `spec.sink` (or `--sink`, `--default-sink`). The command line's per-kind options are
/// applied when `SinkFactory` builds the sink.
///
/// Sink kinds are told apart here, in each kind's own destination file, and in `SinkFactory`
/// only (`SinkKindBranchingTests` checks it): adding a kind adds a case here, its destination
/// file, its sink, and one line in the factory.
public enum SinkDestination: Sendable, Hashable {
    /// JSON lines on the process' standard output.
    case stdout
    /// CloudEvents over HTTP(S) to one receiver.
    case http(HTTPDestination)
    /// An Argo EventBus, or a JetStream server named by URL.
    case jetStream(JetStreamDestination)

    /// An EventBus takes precedence over `spec`. A URI that no kind recognises (the spec reader
    /// rejects those first) becomes an HTTP destination whose sink refuses every event, naming
    /// the URI's problem.
    public init(spec: SinkSpec, eventBus: JetStreamEndpoint? = nil) {
        if let eventBus {
            self = .jetStream(.eventBus(eventBus))
            return
        }
        switch spec.kind {
        case .standardOutput?: self = .stdout
        case .eventBus?: self = .jetStream(.url(spec.uri))
        case .http?, nil: self = .http(HTTPDestination(url: spec.uri, mode: spec.mode))
        }
    }

    /// The EventBus an EventSource without `spec.sink` publishes to.
    public init(eventBus: JetStreamEndpoint) {
        self = .jetStream(.eventBus(eventBus))
    }

    /// For status and logs, never with a credential: `stdout`, the URL, or `eventbus default (nats://…)`.
    public var description: String {
        switch self {
        case .stdout: return "stdout"
        case .http(let destination): return destination.description
        case .jetStream(let destination): return destination.description
        }
    }

    /// The EventBus this destination publishes to, when it came from one (not from a URL).
    public var eventBus: JetStreamEndpoint? {
        guard case .jetStream(.eventBus(let endpoint)) = self else { return nil }
        return endpoint
    }
}
