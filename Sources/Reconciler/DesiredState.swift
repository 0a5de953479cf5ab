import Adapter
import EventSourceAPI

/// Why one `redisStream` entry cannot run, though the spec itself is valid.
public enum EntryProblem: Sendable, Equatable {
    /// Neither `spec.sink` nor the controller's `--default-sink`.
    case noSink
    case secret(SecretError)

    public var reason: String {
        switch self {
        case .noSink: return "NoSink"
        case .secret: return "SecretMissing"
        }
    }

    public var message: String {
        switch self {
        case .noSink: return "no sink: set spec.sink or start the controller with --default-sink"
        case .secret(let error): return "cannot read \(error)"
        }
    }
}

/// The adapters one EventSource asks for, with its secrets resolved, and the entries that cannot run.
public struct DesiredState: Sendable, Equatable {
    public var adapters: [AdapterKey: AdapterConfiguration] = [:]
    /// Event name → why that entry does not run.
    public var problems: [String: EntryProblem] = [:]

    public init(adapters: [AdapterKey: AdapterConfiguration] = [:], problems: [String: EntryProblem] = [:]) {
        self.adapters = adapters
        self.problems = problems
    }

    public static func build(
        _ eventSource: EventSource, secrets: SecretStore, defaultSink: SinkSpec?, replicaName: String
    ) -> DesiredState {
        var state = DesiredState()
        for (eventName, source) in eventSource.redisStream {
            guard let sink = eventSource.sink ?? defaultSink else {
                state.problems[eventName] = .noSink
                continue
            }
            switch AdapterConfiguration.resolve(
                eventSource: eventSource, eventName: eventName, source: source, sink: sink, replicaName: replicaName,
                secrets: secrets)
            {
            case .success(let configuration): state.adapters[configuration.adapterKey] = configuration
            case .failure(let error): state.problems[eventName] = .secret(error)
            }
        }
        return state
    }
}
