import AdapterModel
import EventSourceAPI

/// Builds the sink a spec names. Call it on the thread that will use the sink: sinks are
/// not Sendable and are owned by one adapter thread.
public enum SinkFactory {
    public static func makeSink(
        spec: SinkSpec, caFile: String? = nil, options: HTTPSinkOptions = HTTPSinkOptions(),
        standardOutput: LineWriter = .standardOutput
    ) -> EventSink {
        var options = options
        if let caFile { options.caFile = caFile }
        return makeSink(
            spec: spec, eventBus: nil, eventSourceName: "", eventName: "", options: SinkOptions(http: options),
            standardOutput: standardOutput)
    }

    /// The sink of one adapter: its EventBus when it has one, else what `spec` names. Adding a
    /// kind of sink means a case in `SinkSpec.Kind` and a line here.
    public static func makeSink(
        spec: SinkSpec, eventBus: JetStreamEndpoint?, eventSourceName: String, eventName: String, options: SinkOptions,
        standardOutput: LineWriter = .standardOutput
    ) -> EventSink {
        if let eventBus {
            return JetStreamSink(
                endpoint: eventBus, eventSourceName: eventSourceName, eventName: eventName, options: options.jetStream)
        }
        switch spec.kind {
        case .standardOutput?: return StandardOutputSink(output: standardOutput)
        case .eventBus?:
            return JetStreamSink(
                endpoint: options.endpoint(forURL: spec.uri), eventSourceName: eventSourceName, eventName: eventName,
                options: options.jetStream)
        case .http?, nil: return HTTPSink(url: spec.uri, mode: spec.mode, options: options.http)
        }
    }
}
