import AdapterModel
import EventSourceAPI

/// Builds the sink of a `SinkDestination`, with the command line's options for its kind: the
/// one place, beside the destination types, that tells sink kinds apart. Call it on the thread
/// that will use the sink: sinks are not Sendable and are owned by one adapter.
public enum SinkFactory {
    /// The sink of one adapter, on `runtime`'s threads.
    public static func makeSink(
        for configuration: AdapterConfiguration, options: SinkOptions, runtime: SinkRuntime, standardOutput: LineWriter? = nil
    ) -> EventSink {
        makeSink(
            configuration.destination, eventSourceName: configuration.eventSourceName, eventName: configuration.eventName,
            options: options, runtime: runtime, standardOutput: standardOutput)
    }

    /// - Parameter standardOutput: where a stdout sink writes instead of the runtime's standard output.
    public static func makeSink(
        _ destination: SinkDestination, eventSourceName: String = "", eventName: String = "",
        options: SinkOptions = SinkOptions(), runtime: SinkRuntime, standardOutput: LineWriter? = nil
    ) -> EventSink {
        switch destination {
        case .stdout: return StandardOutputSink(output: standardOutput ?? runtime.standardOutput)
        case .http(let http): return HTTPSink(url: http.url, mode: http.mode, options: options.http, loop: runtime.curlLoop)
        case .jetStream(let jetStream):
            return JetStreamSink(
                endpoint: jetStream.endpoint(credentials: options.eventBusCredentials, tls: options.eventBusTLS),
                eventSourceName: eventSourceName, eventName: eventName, options: options.jetStream,
                registry: runtime.natsConnections)
        }
    }

    /// The sink `spec` names, with `caFile` verifying an https receiver.
    public static func makeSink(
        spec: SinkSpec, caFile: String? = nil, options: HTTPSinkOptions = HTTPSinkOptions(), runtime: SinkRuntime
    ) -> EventSink {
        var options = options
        if let caFile { options.caFile = caFile }
        return makeSink(SinkDestination(spec: spec), options: SinkOptions(http: options), runtime: runtime)
    }

    /// What an operator should hear once at start about these destinations with these options:
    /// a JetStream server named by URL whose certificate nothing verifies.
    public static func startupNotes(for destinations: [SinkDestination], options: SinkOptions) -> [String] {
        var unverified: Set<String> = []
        for destination in destinations {
            switch destination {
            case .stdout, .http: continue
            case .jetStream(let jetStream):
                guard case .url(let url) = jetStream,
                    jetStream.endpoint(credentials: options.eventBusCredentials, tls: options.eventBusTLS).connection.tls == nil
                else { continue }
                unverified.insert(NATSServerList.redacted(url))
            }
        }
        return unverified.sorted().map {
            "NATS \($0): its server certificate is not verified, because no CA is given (as Argo's clients do); --eventbus-ca-file verifies it"
        }
    }
}
