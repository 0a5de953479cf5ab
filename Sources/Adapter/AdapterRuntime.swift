import NIOCore
import NIOPosix
import Sinks

/// The threads every adapter of the process runs on, made once by the executable and handed to
/// everything that needs them: the NIO event loops (about one per core, never one per adapter;
/// each adapter lives on one loop, spread over them in turn), the shared Redis control
/// connections for stops, and the sinks' threads (`SinkRuntime`: the libcurl loop, JetStream
/// setup, standard output). The executable's `ServiceGroup` shuts it down last, after every
/// adapter and server that used it has stopped.
public final class AdapterRuntime: Sendable {
    public let eventLoops: MultiThreadedEventLoopGroup
    public let sinks: SinkRuntime
    let controlConnections: ControlConnections

    public init(eventLoopThreads: Int = max(2, System.coreCount), sinks: SinkRuntime = SinkRuntime()) {
        eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads)
        self.sinks = sinks
        controlConnections = ControlConnections(eventLoops: eventLoops)
    }

    /// Stops the event loops and the sinks' threads. Call it once nothing runs on them any more.
    public func shutdown() async {
        try? await eventLoops.shutdownGracefully()
        sinks.shutdown()
    }
}
