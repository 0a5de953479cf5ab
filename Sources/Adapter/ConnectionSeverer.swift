import NIOCore
import Synchronization

/// Cuts an adapter's Redis connection from outside when it does not stop in time: an adapter stuck
/// in a slow sink or filter keeps no connection open after its EventSource is deleted.
///
/// The connector registers how to close the adapter's channel; closing a channel is safe from any
/// thread, and the adapter's next read or write on it just fails.
final class ConnectionSeverer: Sendable {
    /// Closes the adapter's NIO connection.
    private let closer = Mutex<(@Sendable () -> Void)?>(nil)

    func register(close: @escaping @Sendable () -> Void) {
        closer.withLock { $0 = close }
    }

    func sever() {
        closer.withLock { $0 }?()
    }

    /// After `grace`, severs the connection unless `isFinished` says the adapter ended by itself.
    func sever(after grace: Duration, on loop: any EventLoop, unless isFinished: @escaping @Sendable () -> Bool) {
        loop.scheduleTask(in: grace.timeAmount) { [self] in
            if !isFinished() { sever() }
        }
    }
}
