#if canImport(Glibc)
import Glibc
#endif

/// A connected, non-blocking TCP socket whose waits go through poll(2) in short slices, so a
/// stop request is noticed within `pollSliceMilliseconds` where waiting may be abandoned (connecting).
final class TCPSocket: ByteTransport {
    static let pollSliceMilliseconds: Int32 = 100

    let fileDescriptor: Int32
    private let isCancelled: @Sendable () -> Bool
    private let severer: ConnectionSeverer?

    private init(fileDescriptor: Int32, isCancelled: @escaping @Sendable () -> Bool, severer: ConnectionSeverer?) {
        self.fileDescriptor = fileDescriptor
        self.isCancelled = isCancelled
        self.severer = severer
        severer?.register(fileDescriptor)
    }

    deinit { close() }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        severer?.deregister(fileDescriptor)
        Glibc.close(fileDescriptor)
    }

    static func connect(
        to address: String, port: Int, deadline: ContinuousClock.Instant, severer: ConnectionSeverer? = nil,
        isCancelled: @escaping @Sendable () -> Bool
    ) throws(SocketError) -> TCPSocket {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw .connectFailed("cannot resolve \(address): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(list) }
        var lastError = "no address for \(address)"
        var lastWasRefused = false
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let descriptor = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                lastError = String(cString: strerror(errno))
                continue
            }
            let socket = TCPSocket(fileDescriptor: descriptor, isCancelled: isCancelled, severer: severer)
            _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            setsockopt(descriptor, SOL_SOCKET, SO_KEEPALIVE, &one, socklen_t(MemoryLayout<Int32>.size))
            do throws(SocketError) {
                try socket.finishConnect(info.pointee.ai_addr, info.pointee.ai_addrlen, deadline: deadline)
                return socket
            } catch .cancelled {
                throw .cancelled
            } catch .refused(let reason) {
                (lastError, lastWasRefused) = (reason, true)
            } catch .connectFailed(let reason), .closed(let reason) {
                (lastError, lastWasRefused) = (reason, false)
            } catch {
                (lastError, lastWasRefused) = (error.description, false)
            }
        }
        let reason = "\(address):\(port): \(lastError)"
        throw lastWasRefused ? .refused(reason) : .connectFailed(reason)
    }

    private func finishConnect(_ address: UnsafeMutablePointer<sockaddr>, _ length: socklen_t, deadline: ContinuousClock.Instant) throws(SocketError) {
        if Glibc.connect(fileDescriptor, address, length) == 0 { return }
        guard errno == EINPROGRESS else { throw Self.connectFailure(errno) }
        try waitFor(events: Int16(POLLOUT), deadline: deadline, what: "connect", interruptible: true)
        var socketError: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fileDescriptor, SOL_SOCKET, SO_ERROR, &socketError, &size)
        guard socketError == 0 else { throw Self.connectFailure(socketError) }
    }

    private static func connectFailure(_ code: Int32) -> SocketError {
        let reason = String(cString: strerror(code))
        return code == ECONNREFUSED ? .refused(reason) : .connectFailed(reason)
    }

    /// Polls in slices so cancellation is seen promptly; converts the deadline into a timeout error.
    func waitFor(events: Int16, deadline: ContinuousClock.Instant, what: String, interruptible: Bool) throws(SocketError) {
        while true {
            if interruptible && isCancelled() { throw .cancelled }
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else {
                if what == "connect" { throw .connectFailed("connect timed out") }
                throw .timedOut(what)
            }
            let milliseconds = min(Self.pollSliceMilliseconds, Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000 + 1))
            var descriptor = pollfd(fd: fileDescriptor, events: events, revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready > 0 { return }
            if ready < 0 && errno != EINTR { throw .closed(String(cString: strerror(errno))) }
        }
    }

    func send(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(SocketError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.send(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if written > 0 {
                offset += written
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                try waitFor(events: Int16(POLLOUT), deadline: deadline, what: "send", interruptible: false)
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                throw .closed(String(cString: strerror(errno)))
            }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant) throws(SocketError) -> Int {
        while true {
            let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return count }
            if count == 0 { throw .closed("the server closed the connection") }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else { throw .closed(String(cString: strerror(errno))) }
            try waitFor(events: Int16(POLLIN), deadline: deadline, what: "reply", interruptible: false)
        }
    }
}
