import StructuredData

/// Writes each event as one JSON line, in Argo's `{"context", "data"}` shape, to standard output.
/// Logs go to standard error, so standard output carries events only.
public final class StandardOutputSink: SynchronousEventSink {
    private let output: LineWriter
    /// Reused between batches, so a steady stream allocates no new buffers.
    private var buffer: [UInt8] = []

    public init(output: LineWriter) {
        self.output = output
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        deliver(batch: [event])[0] ?? .retryable(reason: "not written")
    }

    /// The whole batch in one write(2): the lines reach the descriptor before the adapter
    /// acknowledges them, and a write error leaves all of them pending.
    public func deliver(batch events: [CloudEvent]) -> [DeliveryOutcome?] {
        buffer.removeAll(keepingCapacity: true)
        Self.render(events, into: &buffer)
        return Self.outcomes(output.write(buffer), count: events.count)
    }

    /// Hands the batch to the writer's thread and returns: the caller never waits for write(2).
    /// `completion` runs on that thread once the lines reached the descriptor (so acknowledging
    /// then is still after delivery), batches of all adapters joining into as few writes as can be.
    public func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void) {
        guard !events.isEmpty else { return completion([]) }
        let count = events.count
        output.submit(render: { Self.render(events, into: &$0) }) { completion(Self.outcomes($0, count: count)) }
    }

    public func close() {}

    private static func render(_ events: [CloudEvent], into buffer: inout [UInt8]) {
        for event in events {
            event.writeArgoEnvelope(into: &buffer)
            buffer.append(UInt8(ascii: "\n"))
        }
    }

    private static func outcomes(_ result: Result<Void, LineWriter.WriteError>, count: Int) -> [DeliveryOutcome?] {
        switch result {
        case .success: return Array(repeating: .delivered, count: count)
        case .failure(let error):
            return Array(repeating: .retryable(reason: "writing to standard output failed: \(error)"), count: count)
        }
    }
}
