import EventSourceAPI

/// Builds the sink a spec names. Call it on the thread that will use the sink: sinks are
/// not Sendable and are owned by one adapter thread.
public enum SinkFactory {
    public static func makeSink(
        spec: SinkSpec, caFile: String? = nil, options: HTTPSinkOptions = HTTPSinkOptions(),
        standardOutput: LineWriter = .standardOutput
    ) -> EventSink {
        if spec.isStdout { return StandardOutputSink(output: standardOutput) }
        var options = options
        if let caFile { options.caFile = caFile }
        return HTTPSink(url: spec.uri, mode: spec.mode, options: options)
    }
}
