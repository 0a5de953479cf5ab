import CurlCore

/// The threads the sinks of the process share: the one libcurl loop (HTTP sinks, and the
/// Kubernetes client when handed `curlLoop`), the JetStream connections with their setup thread,
/// and standard output with its writer thread. Owned by the `AdapterRuntime`.
public final class SinkRuntime: Sendable {
    public let curlLoop: CurlTransferLoop
    public let natsConnections: NATSConnectionRegistry
    public let standardOutput: LineWriter

    public init(
        curlLoop: CurlTransferLoop = CurlTransferLoop(name: "curl-transfers"),
        natsConnections: NATSConnectionRegistry = NATSConnectionRegistry(),
        standardOutput: LineWriter = LineWriter(fileDescriptor: 1)
    ) {
        self.curlLoop = curlLoop
        self.natsConnections = natsConnections
        self.standardOutput = standardOutput
    }

    /// Ends the libcurl loop's thread; the JetStream setup and line writer threads end by
    /// themselves once idle. Call it once no sink or client uses them any more.
    public func shutdown() {
        curlLoop.shutdown()
    }
}
