import Adapter
import Logging
import ServiceLifecycle

/// Runs a fixed set of adapters until graceful shutdown (SIGTERM/SIGINT), then drains them:
/// they stop reading, finish and acknowledge the deliveries in flight, and the service returns.
public struct AdapterSetService: Service {
    public let adapters: [StreamAdapter]
    public let drainTimeout: Duration
    private let logger: Logger

    public init(adapters: [StreamAdapter], drainTimeout: Duration = .seconds(9), logger: Logger) {
        self.adapters = adapters
        self.drainTimeout = drainTimeout
        self.logger = logger
    }

    public func run() async throws {
        for adapter in adapters { adapter.start() }
        logger.info("running \(adapters.count) adapter(s)")
        try? await gracefulShutdown()
        logger.info("shutting down: draining \(adapters.count) adapter(s)")
        let drained = await Self.stopAll(adapters, within: drainTimeout)
        if !drained {
            // Whatever was not acknowledged stays pending in Redis and is replayed on the next start.
            logger.warning("adapters did not finish within \(drainTimeout); exiting anyway")
        }
    }

    /// Stops every adapter at once and waits for all of them, up to `timeout`. Returns false on timeout.
    public static func stopAll(_ adapters: [StreamAdapter], within timeout: Duration) async -> Bool {
        for adapter in adapters { adapter.requestStop() }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for adapter in adapters { await adapter.waitUntilStopped() }
                return true
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
