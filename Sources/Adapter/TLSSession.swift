import COpenSSL

/// One OpenSSL client session (`SSL`), its bytes carried through memory BIOs by
/// `OpenSSLClientHandler`. Each step says what the session needs next, and every failure gets its
/// wording here once.
///
/// Owns the `SSL` pointer; used only by the thread (or event loop) of its owner.
final class TLSSession {
    let pointer: OpaquePointer

    enum Progress: Equatable {
        /// The operation finished; for reads and writes, with this many bytes.
        case done(Int)
        case wantRead
        case wantWrite
        /// The server sent close_notify: an orderly end of the conversation.
        case closedByPeer
        case failed(SocketError)
    }

    init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { SSL_free(pointer) }

    func handshake() -> Progress {
        ERR_clear_error()
        let result = SSL_connect(pointer)
        if result == 1 { return .done(0) }
        let next = progress(after: result) { detail in
            let verify = SSL_get_verify_result(pointer)
            if verify != X509_V_OK {
                return .tls(.certificateNotAccepted(String(cString: X509_verify_cert_error_string(verify))))
            }
            return .tls(.handshakeFailed(detail.isEmpty ? "the server closed the connection" : detail))
        }
        return next == .closedByPeer ? .failed(.tls(.handshakeFailed("the server closed the connection"))) : next
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> Progress {
        ERR_clear_error()
        let count = SSL_read(pointer, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
        if count > 0 { return .done(Int(count)) }
        return progress(after: count) { detail in
            .closed("TLS read failed: \(detail.isEmpty ? "connection closed" : detail)")
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> Progress {
        ERR_clear_error()
        let count = SSL_write(pointer, bytes.baseAddress, Int32(min(bytes.count, Int(Int32.max))))
        if count > 0 { return .done(Int(count)) }
        let next = progress(after: count) { detail in .closed("TLS write failed: \(detail)") }
        return next == .closedByPeer ? .failed(.closed("the server closed the TLS connection")) : next
    }

    /// Queues close_notify; the caller sends whatever it produced and does not wait for the server's.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(pointer)
        ERR_clear_error()
    }

    private func progress(after result: Int32, failure: (String) -> SocketError) -> Progress {
        switch SSL_get_error(pointer, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closedByPeer
        default: return .failed(failure(OpenSSLError.drain()))
        }
    }
}
