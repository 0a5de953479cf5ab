import NIOCore

/// Reads a cluster's slot map from an actor on the event loop its connections live on (a
/// connection is used from its own loop only), for a caller that runs elsewhere.
actor ClusterSlotMapReader {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    private let lookup: ClusterSlotLookup

    init(lookup: ClusterSlotLookup, loop: EventLoop) {
        self.lookup = lookup
        self.loop = loop
    }

    func read() async throws(RedisError) -> ClusterSlotMap {
        try await lookup.map(on: loop)
    }
}
