import COpenSSL
#if canImport(Glibc)
import Glibc
#endif
import AdapterModel

/// The one place an OpenSSL client context is built from `TLSMaterial`: minimum TLS 1.2, the CA
/// (or the system's roots), the client certificate chain and key, and whether the peer is verified.
/// The event-loop `OpenSSLClientHandler` starts its sessions here; one context serves every connection.
///
/// @unchecked Sendable: the compiler cannot see that the `SSL_CTX` pointer is only read after `init`.
final class TLSClientContext: @unchecked Sendable {
    private let context: OpaquePointer
    let verifiesPeer: Bool

    init(material: TLSMaterial) throws(SocketError) {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw .tls(.setupFailed("cannot create a TLS context: \(OpenSSLError.drain())"))
        }
        // Configured before `self` is complete: a throw after that would run deinit and free the context twice.
        do {
            try Self.configure(context, material)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
        verifiesPeer = !material.insecureSkipVerify
    }

    deinit { SSL_CTX_free(context) }

    /// A session for `serverName`: SNI for a DNS name, and, when verifying, a check that the
    /// certificate names the host we dialled (a DNS name, or an IP address SAN).
    func makeSession(serverName: String) throws(SocketError) -> TLSSession {
        guard let connection = SSL_new(context) else {
            throw .tls(.setupFailed("cannot create a TLS session: \(OpenSSLError.drain())"))
        }
        let isIPAddress = Self.isIPAddress(serverName)
        if verifiesPeer {
            if isIPAddress {
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), serverName)
            } else {
                SSL_set1_host(connection, serverName)
            }
        }
        if !isIPAddress {
            // OpenSSL copies the name, so the C string only has to live through the call.
            _ = serverName.withCString { name in
                SSL_ctrl(connection, SSL_CTRL_SET_TLSEXT_HOSTNAME, Int(TLSEXT_NAMETYPE_host_name), UnsafeMutableRawPointer(mutating: name))
            }
        }
        return TLSSession(connection)
    }

    /// Every failure here comes from the material alone, before a byte reaches the server: retrying cannot help.
    private static func configure(_ context: OpaquePointer, _ material: TLSMaterial) throws(SocketError) {
        SSL_CTX_ctrl(context, SSL_CTRL_SET_MIN_PROTO_VERSION, Int(TLS1_2_VERSION), nil)
        // An idle session gives back its record buffers (tens of kilobytes): most adapters are idle,
        // and one replica holds thousands of connections.
        SSL_CTX_ctrl(context, SSL_CTRL_MODE, Int(SSL_MODE_RELEASE_BUFFERS), nil)
        // A write retried after WANT_READ may come from a buffer that has moved (a ByteBuffer, a Swift array).
        SSL_CTX_ctrl(context, SSL_CTRL_MODE, Int(SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER), nil)
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
                throw .tls(.unusableMaterial("clientCertSecret is not usable: \(OpenSSLError.drain())"))
            }
            for intermediate in chain.dropFirst() {
                X509_up_ref(intermediate)
                SSL_CTX_ctrl(context, SSL_CTRL_EXTRA_CHAIN_CERT, 0, UnsafeMutableRawPointer(intermediate))
            }
            let privateKey = try PEMReader.privateKey(key.bytes)
            defer { EVP_PKEY_free(privateKey) }
            guard SSL_CTX_use_PrivateKey(context, privateKey) == 1, SSL_CTX_check_private_key(context) == 1 else {
                throw .tls(.unusableMaterial("clientKeySecret does not match clientCertSecret: \(OpenSSLError.drain())"))
            }
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
    }
}
