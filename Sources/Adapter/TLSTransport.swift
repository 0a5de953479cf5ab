import COpenSSL
#if canImport(Glibc)
import Glibc
#endif
import Sinks

/// TLS with OpenSSL over our own non-blocking socket, for the blocking `RedisClient`.
/// Debian's hiredis 0.14 has no TLS, so hiredis only parses replies and OpenSSL carries the bytes.
///
/// Used only by the thread that made it.
final class TLSTransport: ByteTransport {
    private let socket: TCPSocket
    private let session: TLSSession

    init(socket: TCPSocket, material: TLSMaterial, serverName: String, deadline: ContinuousClock.Instant) throws(SocketError) {
        self.socket = socket
        do throws(SocketError) {
            session = try TLSClientContext(material: material).makeSession(serverName: serverName)
        } catch {
            socket.close()
            throw error
        }
        SSL_set_fd(session.pointer, socket.fileDescriptor)
        try handshake(deadline: deadline)
    }

    private func handshake(deadline: ContinuousClock.Instant) throws(SocketError) {
        while true {
            switch session.handshake() {
            case .done: return
            case .wantRead:
                try socket.waitFor(events: Int16(POLLIN), deadline: deadline, what: "TLS handshake", interruptible: true)
            case .wantWrite:
                try socket.waitFor(events: Int16(POLLOUT), deadline: deadline, what: "TLS handshake", interruptible: true)
            case .closedByPeer:
                throw .tls(.handshakeFailed("the server closed the connection"))
            case .failed(let error):
                throw error
            }
        }
    }

    func send(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            switch session.write(UnsafeRawBufferPointer(rebasing: bytes[offset...])) {
            case .done(let written): offset += written
            case .wantWrite:
                try socket.waitFor(events: Int16(POLLOUT), deadline: deadline, what: "send", interruptible: false)
            case .wantRead:
                try socket.waitFor(events: Int16(POLLIN), deadline: deadline, what: "send", interruptible: false)
            case .closedByPeer:
                throw .closed("the server closed the TLS connection")
            case .failed(let error):
                throw error
            }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant) throws(SocketError) -> Int {
        while true {
            switch session.read(into: buffer) {
            case .done(let count): return count
            case .wantRead:
                try socket.waitFor(events: Int16(POLLIN), deadline: deadline, what: "reply", interruptible: false)
            case .wantWrite:
                try socket.waitFor(events: Int16(POLLOUT), deadline: deadline, what: "reply", interruptible: false)
            case .closedByPeer:
                throw .closed("the server closed the TLS connection")
            case .failed(let error):
                throw error
            }
        }
    }

    func close() {
        socket.close()
    }
}
