import COpenSSL
import NIOCore

/// Sent up the pipeline once the TLS handshake is done, naming the verified client certificate's subject.
struct TLSClientIdentityEvent {
    let identity: ClientIdentity?
}

/// Server-side TLS for a NIO channel, by OpenSSL over a pair of memory BIOs: ciphertext from the
/// socket goes into one, plaintext comes out of `SSL_read`; `SSL_write` fills the other, which is
/// drained to the socket. Lives on its channel's event loop only.
final class OpenSSLServerHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let ssl: OpaquePointer
    private let networkIn: OpaquePointer
    private let networkOut: OpaquePointer
    private var handshakeDone = false
    private var failed = false
    private var writesBeforeHandshake: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)

    init(context tlsContext: TLSServerContext) {
        ssl = SSL_new(tlsContext.pointer)
        networkIn = BIO_new(BIO_s_mem())
        networkOut = BIO_new(BIO_s_mem())
        SSL_set_bio(ssl, networkIn, networkOut)  // the SSL object now owns both BIOs
        SSL_set_accept_state(ssl)
    }

    deinit { SSL_free(ssl) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { bytes in
            _ = BIO_write(networkIn, bytes.baseAddress, Int32(bytes.count))
        }
        advance(context: context)
    }

    private func advance(context: ChannelHandlerContext) {
        guard !failed else { return }
        if !handshakeDone {
            let result = SSL_do_handshake(ssl)
            if result == 1 {
                handshakeDone = true
                context.fireUserInboundEventTriggered(TLSClientIdentityEvent(identity: peerIdentity()))
                let pending = writesBeforeHandshake
                writesBeforeHandshake = []
                for (buffer, promise) in pending { encrypt(context: context, buffer, promise: promise) }
            } else {
                let error = SSL_get_error(ssl, result)
                if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                    fail(context: context)
                    return
                }
            }
        }
        sendPending(context: context, promise: nil, flush: true)
        guard handshakeDone else { return }
        while true {
            let count = readBuffer.withUnsafeMutableBytes { SSL_read(ssl, $0.baseAddress, Int32($0.count)) }
            if count > 0 {
                var plain = context.channel.allocator.buffer(capacity: Int(count))
                plain.writeBytes(readBuffer[0..<Int(count)])
                context.fireChannelRead(wrapInboundOut(plain))
                continue
            }
            let error = SSL_get_error(ssl, count)
            if error == SSL_ERROR_ZERO_RETURN {
                sendPending(context: context, promise: nil, flush: true)
                context.close(promise: nil)
            } else if error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE {
                fail(context: context)
            }
            break
        }
        sendPending(context: context, promise: nil, flush: true)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        guard handshakeDone else {
            writesBeforeHandshake.append((buffer, promise))
            return
        }
        encrypt(context: context, buffer, promise: promise)
    }

    private func encrypt(context: ChannelHandlerContext, _ buffer: ByteBuffer, promise: EventLoopPromise<Void>?) {
        guard !failed else {
            promise?.fail(ChannelError.ioOnClosedChannel)
            return
        }
        if buffer.readableBytes > 0 {
            // A memory BIO never fills, so SSL_write takes the whole buffer at once.
            let written = buffer.withUnsafeReadableBytes { SSL_write(ssl, $0.baseAddress, Int32($0.count)) }
            if written <= 0 {
                promise?.fail(ChannelError.ioOnClosedChannel)
                fail(context: context)
                return
            }
        }
        sendPending(context: context, promise: promise, flush: false)
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        if handshakeDone && !failed && mode != .input {
            SSL_shutdown(ssl)
            sendPending(context: context, promise: nil, flush: true)
        }
        context.close(mode: mode, promise: promise)
    }

    /// Moves whatever OpenSSL produced for the network into the channel.
    private func sendPending(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?, flush: Bool) {
        let bytes = MemoryBIO.drain(networkOut)
        if bytes.isEmpty {
            if let promise { context.write(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: promise) }
            return
        }
        var out = context.channel.allocator.buffer(capacity: bytes.count)
        out.writeBytes(bytes)
        if flush {
            context.writeAndFlush(wrapOutboundOut(out), promise: promise)
        } else {
            context.write(wrapOutboundOut(out), promise: promise)
        }
    }

    private func fail(context: ChannelHandlerContext) {
        failed = true
        sendPending(context: context, promise: nil, flush: true)
        for (_, promise) in writesBeforeHandshake { promise?.fail(ChannelError.ioOnClosedChannel) }
        writesBeforeHandshake = []
        context.close(promise: nil)
    }

    /// The subject of the client's certificate, if it sent one and it chains to our CA.
    private func peerIdentity() -> ClientIdentity? {
        guard let certificate = SSL_get1_peer_certificate(ssl) else { return nil }
        defer { X509_free(certificate) }
        guard SSL_get_verify_result(ssl) == X509_V_OK, let name = X509_get_subject_name(certificate) else { return nil }
        let user = Self.entries(name, nid: NID_commonName).first ?? ""
        return ClientIdentity(user: user, groups: Self.entries(name, nid: NID_organizationName))
    }

    private static func entries(_ name: OpaquePointer, nid: Int32) -> [String] {
        var values: [String] = []
        var index: Int32 = -1
        while true {
            index = X509_NAME_get_index_by_NID(name, nid, index)
            guard index >= 0, let entry = X509_NAME_get_entry(name, index), let data = X509_NAME_ENTRY_get_data(entry),
                let bytes = ASN1_STRING_get0_data(data)
            else { break }
            values.append(String(decoding: UnsafeBufferPointer(start: bytes, count: Int(ASN1_STRING_length(data))), as: UTF8.self))
        }
        return values
    }
}
