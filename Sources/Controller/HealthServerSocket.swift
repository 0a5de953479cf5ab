#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// Opens the listening socket with close-on-exec set, then hands it to NIO.
///
/// NIO's own `bind(host:port:)` creates sockets without FD_CLOEXEC, so every program this
/// process spawns (tests start redis-server and curl all the time) inherits the listener and
/// keeps the port accepting connections, that nobody answers, after the server has closed it.
enum HealthServerSocket {
    static func bound(host: String, port: Int) throws -> CInt {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        #if canImport(Glibc)
        let type = CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        let descriptor = socket(address.protocol.rawValue, type, 0)
        guard descriptor >= 0 else { throw HealthServerSocketError(call: "socket", errno: errno) }
        #if !canImport(Glibc)
        _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
        #endif
        var enable: CInt = 1
        // Lets a restarted process bind again while old connections sit in TIME_WAIT.
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &enable, socklen_t(MemoryLayout<CInt>.size))
        let result = address.withSockAddr { pointer, length in bind(descriptor, pointer, socklen_t(length)) }
        guard result == 0 else {
            let error = HealthServerSocketError(call: "bind", errno: errno)
            close(descriptor)
            throw error
        }
        return descriptor
    }
}

struct HealthServerSocketError: Error, CustomStringConvertible {
    let call: String
    let errno: CInt
    var description: String { "\(call): \(String(cString: strerror(errno)))" }
}
