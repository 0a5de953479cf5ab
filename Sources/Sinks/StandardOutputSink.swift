import StructuredData

/// Writes each event as one JSON line, in Argo's `{"context", "data"}` shape, to standard output.
/// Logs go to standard error, so standard output carries events only.
public final class StandardOutputSink: SynchronousEventSink {
    private let output: LineWriter
    /// Reused between batches, so a steady stream allocates no new buffers.
    private var buffer: [UInt8] = []

    public init(output: LineWriter = .standardOutput) {
        self.output = output
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0] ?? .retryable(reason: "not written")
    }

    /// The whole batch in one write(2): the lines reach the descriptor before the adapter
    /// acknowledges them, and a write error leaves all of them pending.
    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        buffer.removeAll(keepingCapacity: true)
        for event in events {
            event.writeArgoEnvelope(into: &buffer)
            buffer.append(UInt8(ascii: "\n"))
        }
        switch output.write(buffer) {
        case .success: return Array(repeating: .delivered, count: events.count)
        case .failure(let error):
            return Array(repeating: .retryable(reason: "writing to standard output failed: \(error)"), count: events.count)
        }
    }

    public func close() {}
}
