import AdapterModel
import COpenSSL
#if canImport(Glibc)
import Glibc
import Sinks
#endif

/// TLS to Redis with OpenSSL over our own non-blocking socket. Debian's hiredis 0.14 has no TLS,
/// so hiredis only parses replies and OpenSSL carries the bytes.
///
/// Owns the `SSL` and `SSL_CTX` pointers; used only by the adapter thread that made it.
final class TLSTransport: ByteTransport {
    private let socket: TCPSocket
    private let context: OpaquePointer
    private let connection: OpaquePointer

    init(socket: TCPSocket, material: TLSMaterial, serverName: String, deadline: ContinuousClock.Instant) throws(RedisError) {
        self.socket = socket
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            socket.close()
            throw .tlsFailed("cannot create a TLS context: \(OpenSSLError.drain())")
        }
        self.context = context
        do {
            try Self.configure(context, material)
        } catch {
            SSL_CTX_free(context)
            socket.close()
            // Built from the Secrets alone, before a byte reaches Redis: retrying cannot help.
            if case .tlsFailed(let reason) = error { throw .unusableTLSMaterial(reason) }
            throw error
        }
        guard let connection = SSL_new(context) else {
            SSL_CTX_free(context)
            socket.close()
            throw .tlsFailed("cannot create a TLS session: \(OpenSSLError.drain())")
        }
        self.connection = connection
        SSL_set_fd(connection, socket.fileDescriptor)
        if !material.insecureSkipVerify {
            // Check the certificate names the host we dialled: a DNS name, or an IP address SAN.
            if Self.isIPAddress(serverName) {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), serverName)
            } else {
                SSL_set1_host(connection, serverName)
            }
        }
        if !Self.isIPAddress(serverName) {
            // OpenSSL copies the name, so the C string only has to live through the call.
            _ = serverName.withCString { name in
                SSL_ctrl(connection, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: name))
            }
        }
        try handshake(deadline: deadline)
    }

    deinit {
        SSL_free(connection)
        SSL_CTX_free(context)
    }

    private static func configure(_ context: OpaquePointer, _ material: TLSMaterial) throws(RedisError) {
        SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        if material.insecureSkipVerify {
            SSL_CTX_set_verify(context, SSL_VERIFY_NONE, nil)
        } else {
            SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
            if let ca = material.caCertificate {
                let store = SSL_CTX_get_cert_store(context)
                let certificates = try PEMReader.certificates(ca.bytes, what: "caCertSecret")
                for certificate in certificates {
                    X509_STORE_add_cert(store, certificate)
                    X509_free(certificate)
                }
            } else {
                SSL_CTX_set_default_verify_paths(context)
            }
        }
        if let certificate = material.clientCertificate, let key = material.clientKey {
            let chain = try PEMReader.certificates(certificate.bytes, what: "clientCertSecret")
            defer { chain.forEach { X509_free($0) } }
            guard SSL_CTX_use_certificate(context, chain[0]) == 1 else {
                throw .tlsFailed("clientCertSecret is not usable: \(OpenSSLError.drain())")
            }
            for intermediate in chain.dropFirst() {
                X509_up_ref(intermediate)
                SSL_CTX_ctrl(context, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate))
            }
            let privateKey = try PEMReader.privateKey(key.bytes)
            defer { EVP_PKEY_free(privateKey) }
            guard SSL_CTX_use_PrivateKey(context, privateKey) == 1, SSL_CTX_check_private_key(context) == 1 else {
                throw .tlsFailed("clientKeySecret does not match clientCertSecret: \(OpenSSLError.drain())")
            }
        }
    }

    private func handshake(deadline: ContinuousClock.Instant) throws(RedisError) {
        while true {
            ERR_clear_error()
            let result = SSL_connect(connection)
            if result == 1 { return }
            switch SSL_get_error(connection, result) {
            case SSL_ERROR_WANT_READ:
                try socket.waitFor(events: Int16(POLLIN), deadline: deadline, what: "TLS handshake", interruptible: true)
            case SSL_ERROR_WANT_WRITE:
                try socket.waitFor(events: Int16(POLLOUT), deadline: deadline, what: "TLS handshake", interruptible: true)
            default:
                let verify = SSL_get_verify_result(connection)
                if verify != X509_V_OK {
                    throw .tlsFailed("the server's certificate was not accepted: \(String(cString: X509_verify_cert_error_string(verify)))")
                }
                let detail = OpenSSLError.drain()
                throw .tlsFailed("handshake failed: \(detail.isEmpty ? "the server closed the connection" : detail)")
            }
        }
    }

    func send(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(RedisError) {
        var offset = 0
        while offset < bytes.count {
            ERR_clear_error()
            let written = SSL_write(connection, bytes.baseAddress! + offset, Int32(min(bytes.count - offset, Int(Int32.max))))
            if written > 0 {
                offset += Int(written)
                continue
            }
            switch SSL_get_error(connection, written) {
            case SSL_ERROR_WANT_WRITE:
                try socket.waitFor(events: Int16(POLLOUT), deadline: deadline, what: "send", interruptible: false)
            case SSL_ERROR_WANT_READ:
                try socket.waitFor(events: Int16(POLLIN), deadline: deadline, what: "send", interruptible: false)
            default:
                throw .connectionLost("TLS write failed: \(OpenSSLError.drain())")
            }
        }
    }

    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant) throws(RedisError) -> Int {
        while true {
            ERR_clear_error()
            let count = SSL_read(connection, buffer.baseAddress, Int32(min(buffer.count, Int(Int32.max))))
            if count > 0 { return Int(count) }
            switch SSL_get_error(connection, count) {
            case SSL_ERROR_WANT_READ:
                try socket.waitFor(events: Int16(POLLIN), deadline: deadline, what: "reply", interruptible: false)
            case SSL_ERROR_WANT_WRITE:
                try socket.waitFor(events: Int16(POLLOUT), deadline: deadline, what: "reply", interruptible: false)
            case SSL_ERROR_ZERO_RETURN:
                throw .connectionLost("the server closed the TLS connection")
            default:
                let detail = OpenSSLError.drain()
                throw .connectionLost("TLS read failed: \(detail.isEmpty ? "connection closed" : detail)")
            }
        }
    }

    func close() {
        socket.close()
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
