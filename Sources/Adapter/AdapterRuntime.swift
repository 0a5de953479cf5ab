import NIOCore
import NIOPosix
import Sinks
import Synchronization

/// The threads every adapter of the process runs on, made once by the executable and handed to
/// everything that needs them: the NIO event loops (about one per core, never one per adapter;
/// each adapter lives on one loop, spread over them in turn), the shared Redis control
/// connections for stops, and the sinks' threads (`SinkRuntime`: the libcurl loop, JetStream
/// setup, standard output). The executable's `ServiceGroup` shuts it down last, after every
/// adapter and server that used it has stopped.
public final class AdapterRuntime: Sendable {
    public let eventLoops: MultiThreadedEventLoopGroup
    /// One loop of its own for the health and metrics servers, so probes answer however busy
    /// the adapters keep `eventLoops`.
    public let serverEventLoops: MultiThreadedEventLoopGroup
    public let sinks: SinkRuntime
    let controlConnections: ControlConnections
    private let shutDown = Atomic<Bool>(false)
    /// Adapters started on the runtime and not yet ended.
    private let runningAdapters = Atomic<Int>(0)

    public init(eventLoopThreads: Int = max(2, System.coreCount), sinks: SinkRuntime = SinkRuntime()) {
        eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: eventLoopThreads)
        serverEventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.sinks = sinks
        controlConnections = ControlConnections(eventLoops: eventLoops)
    }

    /// Stops the event loops and the sinks' threads, and returns true; call it once nothing runs
    /// on them any more. While an adapter is still running (a drain that ran out of time) it
    /// returns false and leaves the threads to the process' exit, since the adapter is on them.
    @discardableResult
    public func shutdown() async -> Bool {
        guard runningAdapters.load(ordering: .acquiring) == 0 else { return false }
        guard !shutDown.exchange(true, ordering: .acquiringAndReleasing) else { return true }
        try? await eventLoops.shutdownGracefully()
        try? await serverEventLoops.shutdownGracefully()
        sinks.shutdown()
        return true
    }

    /// How many adapters run on the runtime now.
    public var runningAdapterCount: Int { runningAdapters.load(ordering: .acquiring) }

    func adapterStarted() {
        runningAdapters.add(1, ordering: .acquiringAndReleasing)
    }

    func adapterFinished() {
        runningAdapters.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// Whether `shutdown` was called.
    public var isShutDown: Bool { shutDown.load(ordering: .acquiring) }
}
