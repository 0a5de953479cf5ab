import Adapter
import EventSourceAPI

/// Chooses the sink implementation for a sink spec.
enum SinkSelection {
    static func makeSink(_ spec: SinkSpec) -> EventSink {
        StandardOutputSink()
    }
}
