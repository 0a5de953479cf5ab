import Glibc
import TestSupport

/// A TCP client that connects and sends nothing, to check the server closes it at shutdown.
final class IdleConnection: Sendable {
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ConnectFailed(errno: errno) }
        // The read below runs on its own thread; the timeout bounds it if the server never closes.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    struct ConnectFailed: Error {
        let errno: Int32
    }

    /// True when the peer closed the connection (read returned 0) before the receive timeout.
    func waitForEndOfStream() async -> Bool {
        let descriptor = self.descriptor
        return await DedicatedThread.run(name: "idle-connection-read") {
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                return count == 0
            }
        }
    }

    func close() {
        Glibc.close(descriptor)
    }
}
