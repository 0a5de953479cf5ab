import AdapterModel
import EventSourceAPI

/// Why one `redisStream` entry cannot run, though the spec itself is valid.
public enum EntryProblem: Error, Sendable, Equatable {
    /// No `spec.sink`, no EventBus of the name `spec.eventBusName` gives, no `--default-sink`.
    case noSink
    case secret(SecretError)
    /// The EventBus exists but cannot be published to (Kafka, NATS Streaming, no JetStream
    /// config yet, unreadable credentials).
    case eventBus(String)

    public var reason: String {
        switch self {
        case .noSink: return "NoSink"
        case .secret: return "SecretMissing"
        case .eventBus: return "EventBusUnusable"
        }
    }

    public var message: String {
        switch self {
        case .noSink:
            return "no sink: set spec.sink, create the EventBus spec.eventBusName names (default 'default'), "
                + "or start the controller with --default-sink"
        case .secret(let error): return "cannot read \(error)"
        case .eventBus(let reason): return reason
        }
    }
}

/// The adapters one EventSource asks for, with its secrets resolved, and the entries that cannot run.
public struct DesiredState: Sendable, Equatable {
    public var adapters: [AdapterKey: AdapterConfiguration] = [:]
    /// Event name → why that entry does not run.
    public var problems: [String: EntryProblem] = [:]
    /// The Secrets building it read, found or not (the entries' and the EventBus's): a change to
    /// any of them calls for building it again.
    public var secretNames: Set<String> = []

    public init(
        adapters: [AdapterKey: AdapterConfiguration] = [:], problems: [String: EntryProblem] = [:],
        secretNames: Set<String> = []
    ) {
        self.adapters = adapters
        self.problems = problems
        self.secretNames = secretNames
    }

    /// Picks each entry's sink in Argo's spirit: `spec.sink` when set; else the EventBus
    /// `spec.eventBusName` names, when it exists (`eventBus`); else `defaultSink`; else the
    /// entry does not start and says why.
    public static func build(
        _ eventSource: EventSource, secrets: SecretStore, defaultSink: SinkSpec?, replicaName: String,
        eventBus: EventBusLookup? = nil, eventBusCA: SecretValue? = nil
    ) -> DesiredState {
        var state = DesiredState()
        let destination: SinkDestination
        if let specSink = eventSource.sink {
            destination = SinkDestination(spec: specSink)
        } else if let eventBus {
            let bus = eventBus.endpoint(secrets: secrets, namespace: eventSource.namespace, pinnedCA: eventBusCA)
            state.secretNames = bus.secretNames
            switch bus.endpoint {
            case .success(let resolved):
                destination = SinkDestination(eventBus: resolved)
            case .failure(let problem):
                for (eventName, _) in eventSource.redisStream { state.problems[eventName] = problem }
                return state
            }
        } else if let defaultSink {
            destination = SinkDestination(spec: defaultSink)
        } else {
            for (eventName, _) in eventSource.redisStream { state.problems[eventName] = .noSink }
            return state
        }
        for (eventName, source) in eventSource.redisStream {
            let resolved = AdapterConfiguration.resolve(
                eventSource: eventSource, eventName: eventName, source: source, destination: destination,
                replicaName: replicaName, secrets: secrets)
            state.secretNames.formUnion(resolved.secretNames)
            switch resolved.configuration {
            case .success(let configuration):
                state.adapters[configuration.adapterKey] = configuration
            case .failure(let error): state.problems[eventName] = .secret(error)
            }
        }
        return state
    }
}
