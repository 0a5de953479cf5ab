import Adapter
import Logging
import ServiceLifecycle

/// Keeps the `AdapterRuntime` up while the process runs, and shuts it down once graceful
/// shutdown reaches it. Put it first in the `ServiceGroup`: shutdown goes in reverse order, so
/// every adapter, watcher and server that runs on its threads has stopped by then. When the
/// group is cancelled instead (a service failed, or the shutdown limit ran out), or an adapter
/// is still running (its drain ran out of time), its threads are left to the process' exit,
/// since an adapter may still be running on them.
public struct RuntimeService: Service {
    public let runtime: AdapterRuntime
    private let logger: Logger

    public init(runtime: AdapterRuntime, logger: Logger) {
        self.runtime = runtime
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        if await !runtime.shutdown() {
            logger.notice("\(runtime.runningAdapterCount) adapter(s) still running; leaving their threads to the exit")
        }
    }
}
