import Glibc
import Synchronization

/// A 127.0.0.1 port that refuses connections for as long as this value lives: a socket is bound
/// to it (port 0, so the kernel picks) but never listens. Nothing else can bind the port
/// meanwhile, unlike a port merely probed as free, which another test's server may take.
///
///     let closed = try ReservedPort()
///     defer { closed.close() }
///     ... point a client at 127.0.0.1:\(closed.port), expect "Connection refused" ...
///
/// The socket sets SO_REUSEADDR, so a test server that sets it too (`HTTPReceiver` does) can
/// listen on the port while the reservation lives, stop, and come back on it. Linux lets an
/// explicit bind share a port with a socket that is not listening, but its port-0 allocator
/// and outgoing connections skip such a port: no other test's server can take it between two
/// lifetimes of the receiver, as one did when the port was merely remembered.
public final class ReservedPort: Sendable {
    public let port: Int
    private let descriptor: Int32
    private let closed = Atomic<Bool>(false)

    public init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ReservedPortError(call: "socket", errno: errno) }
        var reuse: Int32 = 1
        guard setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let error = ReservedPortError(call: "setsockopt(SO_REUSEADDR)", errno: errno)
            Glibc.close(descriptor)
            throw error
        }
        var address = FreePort.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else {
            let error = ReservedPortError(call: "bind", errno: errno)
            Glibc.close(descriptor)
            throw error
        }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Frees the port; safe to call twice. Dropping the value frees it too.
    public func close() {
        if !closed.exchange(true, ordering: .acquiringAndReleasing) { Glibc.close(descriptor) }
    }

    deinit { close() }
}

public struct ReservedPortError: Error, CustomStringConvertible {
    public let call: String
    public let errno: Int32
    public var description: String { "\(call): \(String(cString: strerror(errno)))" }
}
