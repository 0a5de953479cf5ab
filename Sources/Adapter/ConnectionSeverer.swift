#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Synchronization

/// Cuts an adapter's Redis connection from outside when it does not stop in time: an adapter stuck
/// in a slow sink or filter keeps no connection open after its EventSource is deleted.
///
/// The adapter's socket registers its descriptor here and deregisters it before closing, under
/// the same lock, so `shutdown(2)` can never hit a descriptor the process has reused. Shutting
/// down (not closing) leaves the descriptor to its owner: its next read or write just fails.
final class ConnectionSeverer: Sendable {
    private let descriptor = Mutex<Int32?>(nil)
    /// Closes a non-blocking (NIO) connection; closing a channel is safe from any thread.
    private let closer = Mutex<(@Sendable () -> Void)?>(nil)

    func register(close: @escaping @Sendable () -> Void) {
        closer.withLock { $0 = close }
    }

    func register(_ fileDescriptor: Int32) {
        descriptor.withLock { $0 = fileDescriptor }
    }

    /// Called by the socket right before it closes `fileDescriptor`.
    func deregister(_ fileDescriptor: Int32) {
        descriptor.withLock { if $0 == fileDescriptor { $0 = nil } }
    }

    func sever() {
        descriptor.withLock { current in
            if let current { _ = shutdown(current, Int32(SHUT_RDWR)) }
        }
        closer.withLock { $0 }?()
    }

    /// After `grace`, severs the connection unless `isFinished` says the adapter ended by itself.
    func sever(after grace: Duration, on loop: any EventLoop, unless isFinished: @escaping @Sendable () -> Bool) {
        loop.scheduleTask(in: grace.timeAmount) { [self] in
            if !isFinished() { sever() }
        }
    }
}
