import KubeClient
import Logging
import ServiceLifecycle

/// Leader election as a service: campaigns for the Lease for as long as it runs, leads while
/// holding it (losing it, it campaigns again). On graceful shutdown a leader releases the Lease,
/// so a standby takes over at once; it sits first among the controller's services, so by then
/// the loops have stopped and the adapters have drained. Run it only inside a `ServiceGroup`:
/// its leading ends on the group's graceful shutdown.
public struct LeaseService: Service {
    private let elector: LeaderElector
    /// Runs on each election: status written by the previous leader may be stale.
    private let onElected: @Sendable () async -> Void

    public init(elector: LeaderElector, onElected: @escaping @Sendable () async -> Void) {
        self.elector = elector
        self.onElected = onElected
    }

    public func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await campaign() }
            group.addTask { try? await gracefulShutdown() }
            _ = await group.next()
            // Leading at shutdown: the elector's work returns on the same signal and the elector
            // releases the Lease, so let it finish. Only campaigning: stop now.
            if !elector.isLeader { group.cancelAll() }
            await group.waitForAll()
        }
    }

    private func campaign() async {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            // Returning from the work (rather than being cancelled) is what lets the elector release the Lease.
            _ = try? await elector.run { [onElected] in
                await onElected()
                try? await gracefulShutdown()
            }
        }
    }
}
