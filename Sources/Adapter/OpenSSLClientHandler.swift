import COpenSSL
import NIOCore

/// Client TLS inside a NIO pipeline, with OpenSSL working on two memory BIOs instead of a socket,
/// so an event loop carries the bytes and nothing blocks. Debian's hiredis 0.14 has no TLS, so hiredis
/// only parses replies; the context comes from `TLSClientContext`.
///
/// - The handshake starts when the channel becomes active (or when the handler is added to an
///   active channel). `channelActive` passes on at once; `HandshakeCompleted` follows as a user event.
/// - Writes made before the handshake completes are held and sent, in order, right after it.
/// - Every failure is fired once through `errorCaught` as a `SocketError` (map it with
///   `RedisError(_:)`), then the channel is closed and held writes fail with the same error. That
///   includes the server ending the connection: close_notify, or EOF without it ("unexpected eof").
/// - `close` sends close_notify first and does not wait for the server's.
/// - With `handshakeDeadline`, a server that never finishes the handshake ends it as `.timedOut("TLS handshake")`,
///   as a connect that never ends does.
///
/// The handler is not `Sendable`: create it and add it inside the channel initializer, with
/// `channel.pipeline.syncOperations.addHandler`; the `TLSClientContext` can be shared by every connection.
final class OpenSSLClientHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Fired inbound once the handshake has completed.
    struct HandshakeCompleted: Sendable, Equatable {}

    private enum State {
        case idle
        case handshaking
        case active
        /// Ended by a failure, by the server, or by our own close: no more TLS I/O.
        case closed(SocketError)
    }

    /// The largest TLS record's plaintext: one `SSL_read` never needs more room than this.
    private static let recordSize = 16 * 1024
    /// Bytes go into and out of the memory BIOs in slices about one record long: a BIO keeps the
    /// largest size it ever held, so whole reads or writes of a megabyte would stay allocated per connection.
    private static let sliceSize = recordSize + 512

    private let session: TLSSession
    /// Ciphertext from the server, for OpenSSL to read. Owned by `session`.
    private let networkInput: OpaquePointer
    /// Ciphertext OpenSSL produced, for the channel to send. Owned by `session`.
    private let networkOutput: OpaquePointer
    private var state = State.idle
    private var heldWrites = CircularBuffer<(data: ByteBuffer, promise: EventLoopPromise<Void>?)>()
    private let handshakeDeadline: NIODeadline?
    private var handshakeTimeout: Scheduled<Void>?

    init(context: TLSClientContext, serverName: String, handshakeDeadline: NIODeadline? = nil) throws(SocketError) {
        self.handshakeDeadline = handshakeDeadline
        session = try context.makeSession(serverName: serverName)
        guard let input = BIO_new(BIO_s_mem()) else {
            throw .tls(.setupFailed("cannot create a TLS buffer: \(OpenSSLError.drain())"))
        }
        guard let output = BIO_new(BIO_s_mem()) else {
            BIO_free(input)
            throw .tls(.setupFailed("cannot create a TLS buffer: \(OpenSSLError.drain())"))
        }
        SSL_set_bio(session.pointer, input, output)
        networkInput = input
        networkOutput = output
    }

    // MARK: inbound

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { startHandshake(context: context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        handshakeTimeout?.cancel()
        failHeldWrites(.closed("the TLS handler was removed"))
    }

    func channelActive(context: ChannelHandlerContext) {
        startHandshake(context: context)
        context.fireChannelActive()
    }

    /// Feeds the ciphertext to OpenSSL slice by slice and passes everything it decrypted on as one read.
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var ciphertext = unwrapInboundIn(data)
        var plaintext: ByteBuffer?
        var ending: SocketError?
        feeding: while ciphertext.readableBytes > 0 {
            switch state {
            case .idle, .closed: return
            case .handshaking, .active: break
            }
            let slice = min(ciphertext.readableBytes, Self.sliceSize)
            ciphertext.withUnsafeReadableBytes { bytes in
                // A memory BIO grows as needed, so it takes every byte.
                _ = BIO_write(networkInput, bytes.baseAddress, Int32(slice))
            }
            ciphertext.moveReaderIndex(forwardBy: slice)
            if case .handshaking = state { continueHandshake(context: context) }
            if isActive {
                ending = decryptAvailable(into: &plaintext, allocator: context.channel.allocator)
                if ending != nil { break feeding }
            }
        }
        // TLS itself may answer (a key update, for instance).
        sendNetworkOutput(context: context)
        if let plaintext, isActive || ending != nil { context.fireChannelRead(wrapInboundOut(plaintext)) }
        if let ending { end(context: context, ending) }
        // A write that waited for the server (a renegotiation) may go on now.
        if isActive && !heldWrites.isEmpty { encryptHeldWrites(context: context) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        endOfInput(context: context)
        context.fireChannelInactive()
    }

    /// A transport error below TLS (a reset, say) ends the conversation like an EOF does, so the
    /// next handler sees one `SocketError` per connection rather than an `IOError` as well.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .handshaking, .active: endOfInput(context: context)
        case .idle, .closed: context.fireErrorCaught(error)
        }
    }

    // MARK: outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let plaintext = unwrapOutboundIn(data)
        switch state {
        case .idle, .handshaking:
            heldWrites.append((plaintext, promise))
        case .active:
            heldWrites.append((plaintext, promise))
            encryptHeldWrites(context: context)
        case .closed(let error):
            promise?.fail(error)
        }
    }

    func flush(context: ChannelHandlerContext) {
        // Before the handshake there is nothing to flush yet: held writes are flushed when they go out.
        if case .active = state { context.flush() }
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if mode != .input {
            if case .active = state {
                session.shutdown()
                sendNetworkOutput(context: context)
            }
            switch state {
            case .closed: break
            default: state = .closed(.closed("the connection was closed"))
            }
            failHeldWrites(.closed("the connection was closed"))
        }
        context.close(mode: mode, promise: promise)
    }

    // MARK: the TLS session

    private func startHandshake(context: ChannelHandlerContext) {
        guard case .idle = state else { return }
        state = .handshaking
        if let handshakeDeadline {
            handshakeTimeout = context.eventLoop.assumeIsolated().scheduleTask(deadline: handshakeDeadline) { [self] in
                if case .handshaking = state { end(context: context, .timedOut("TLS handshake")) }
            }
        }
        continueHandshake(context: context)
    }

    private func continueHandshake(context: ChannelHandlerContext) {
        switch session.handshake() {
        case .done:
            state = .active
            handshakeTimeout?.cancel()
            sendNetworkOutput(context: context)
            context.fireUserInboundEventTriggered(HandshakeCompleted())
            encryptHeldWrites(context: context)
        case .wantRead, .wantWrite:
            // With memory BIOs a wanted write never blocks: send what OpenSSL produced and wait for the reply.
            sendNetworkOutput(context: context)
        case .closedByPeer:
            end(context: context, .tls(.handshakeFailed("the server closed the connection")))
        case .failed(let error):
            end(context: context, error)
        }
    }

    /// No more bytes will come: OpenSSL judges that as it would on a socket (an unexpected EOF,
    /// unless close_notify came first), and the connection ends with its verdict.
    private func endOfInput(context: ChannelHandlerContext) {
        let error: SocketError
        switch state {
        case .idle, .closed:
            return
        case .handshaking:
            BIO_ctrl(networkInput, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, nil)
            if case .failed(let failure) = session.handshake() {
                error = failure
            } else {
                error = .tls(.handshakeFailed("the server closed the connection"))
            }
        case .active:
            BIO_ctrl(networkInput, BIO_C_SET_BUF_MEM_EOF_RETURN, 0, nil)
            var scratch = [UInt8](repeating: 0, count: 1)
            if case .failed(let failure) = scratch.withUnsafeMutableBytes({ session.read(into: $0) }) {
                error = failure
            } else {
                error = .closed("the server closed the TLS connection")
            }
        }
        end(context: context, error)
    }

    /// Decrypts what the input BIO holds, appending to `plaintext`; returns the failure or end it met, if any.
    private func decryptAvailable(into plaintext: inout ByteBuffer?, allocator: ByteBufferAllocator) -> SocketError? {
        while true {
            var progress = TLSSession.Progress.wantRead
            var buffer = plaintext ?? allocator.buffer(capacity: Self.recordSize)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: Self.recordSize) { room in
                progress = session.read(into: room)
                if case .done(let count) = progress { return count }
                return 0
            }
            if buffer.readableBytes > 0 { plaintext = buffer }
            switch progress {
            case .done: continue
            case .wantRead, .wantWrite: return nil
            case .closedByPeer: return .closed("the server closed the TLS connection")
            case .failed(let error): return error
            }
        }
    }

    /// Encrypts held writes in order, each into one ciphertext write carrying its promise.
    private func encryptHeldWrites(context: ChannelHandlerContext) {
        var wrote = false
        defer { if wrote { context.flush() } }
        while isActive, var plaintext = heldWrites.first?.data {
            var ciphertext = context.channel.allocator.buffer(capacity: min(plaintext.readableBytes, Self.sliceSize) + 64)
            while plaintext.readableBytes > 0 {
                let slice = min(plaintext.readableBytes, Self.recordSize)
                let progress = plaintext.withUnsafeReadableBytes { session.write(UnsafeRawBufferPointer(rebasing: $0.prefix(slice))) }
                switch progress {
                case .done(let count):
                    plaintext.moveReaderIndex(forwardBy: count)
                    takeNetworkOutput(appendingTo: &ciphertext)
                case .wantRead, .wantWrite:
                    // A renegotiation wants the server's answer first; the rest waits for the next read.
                    heldWrites[heldWrites.startIndex].data = plaintext
                    if ciphertext.readableBytes > 0 { context.write(wrapOutboundOut(ciphertext), promise: nil) }
                    sendNetworkOutput(context: context)
                    return
                case .closedByPeer:
                    end(context: context, .closed("the server closed the TLS connection"))
                    return
                case .failed(let error):
                    end(context: context, error)
                    return
                }
            }
            let promise = heldWrites.removeFirst().promise
            context.write(wrapOutboundOut(ciphertext), promise: promise)
            wrote = true
        }
    }

    /// Bytes both memory BIOs hold allocated now: the most they ever held at once, since they never shrink.
    var memoryBufferCapacity: Int {
        [networkInput, networkOutput].reduce(0) { total, bio in
            var memory: UnsafeMutablePointer<BUF_MEM>?
            BIO_ctrl(bio, BIO_C_GET_BUF_MEM_PTR, 0, &memory)
            return total + (memory?.pointee.max ?? 0)
        }
    }

    private var isActive: Bool {
        if case .active = state { return true }
        return false
    }

    /// Ends the connection once: the alert OpenSSL may have queued goes out, held writes fail,
    /// the error is fired, and the channel closes.
    private func end(context: ChannelHandlerContext, _ error: SocketError) {
        if case .closed = state { return }
        state = .closed(error)
        handshakeTimeout?.cancel()
        sendNetworkOutput(context: context)
        failHeldWrites(error)
        context.fireErrorCaught(error)
        context.close(promise: nil)
    }

    private func failHeldWrites(_ error: SocketError) {
        while let held = heldWrites.popFirst() {
            held.promise?.fail(error)
        }
    }

    private func sendNetworkOutput(context: ChannelHandlerContext) {
        guard BIO_ctrl_pending(networkOutput) > 0 else { return }
        var ciphertext = context.channel.allocator.buffer(capacity: Int(BIO_ctrl_pending(networkOutput)))
        takeNetworkOutput(appendingTo: &ciphertext)
        context.writeAndFlush(wrapOutboundOut(ciphertext), promise: nil)
    }

    private func takeNetworkOutput(appendingTo ciphertext: inout ByteBuffer) {
        let pending = Int(BIO_ctrl_pending(networkOutput))
        guard pending > 0 else { return }
        ciphertext.writeWithUnsafeMutableBytes(minimumWritableBytes: pending) { room in
            Int(max(0, BIO_read(networkOutput, room.baseAddress, Int32(pending))))
        }
    }
}
