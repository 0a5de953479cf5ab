import COpenSSL

/// Owns the server's `SSL_CTX`; OpenSSL documents `SSL_new` on an unchanging context as thread-safe.
/// @unchecked Sendable: the compiler cannot see that the `SSL_CTX` pointer is only read after `init`.
final class TLSServerContext: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ certificates: GeneratedCertificates) throws {
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw OpenSSLError.last("SSL_CTX_new") }
        pointer = context
        let serverCertificate = try Self.certificate(certificates.serverCertificatePEM)
        defer { X509_free(serverCertificate) }
        let caCertificate = try Self.certificate(certificates.caCertificatePEM)
        defer { X509_free(caCertificate) }
        let key = try Self.privateKey(certificates.serverKeyPEM)
        defer { EVP_PKEY_free(key) }
        guard SSL_CTX_use_certificate(context, serverCertificate) == 1, SSL_CTX_use_PrivateKey(context, key) == 1,
            X509_STORE_add_cert(SSL_CTX_get_cert_store(context), caCertificate) == 1,
            SSL_CTX_add_client_CA(context, caCertificate) == 1
        else { throw OpenSSLError.last("SSL_CTX setup") }
        // Ask for a client certificate but do not demand one: bearer tokens are fine too.
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    }

    deinit { SSL_CTX_free(pointer) }

    private static func certificate(_ pem: String) throws -> OpaquePointer {
        let bio = try Self.bio(pem)
        defer { BIO_free(bio) }
        guard let certificate = PEM_read_bio_X509(bio, nil, nil, nil) else { throw OpenSSLError.last("PEM_read_bio_X509") }
        return certificate
    }

    private static func privateKey(_ pem: String) throws -> OpaquePointer {
        let bio = try Self.bio(pem)
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else { throw OpenSSLError.last("PEM_read_bio_PrivateKey") }
        return key
    }

    private static func bio(_ text: String) throws -> OpaquePointer {
        let bytes = Array(text.utf8)
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.last("BIO_new") }
        _ = bytes.withUnsafeBytes { BIO_write(bio, $0.baseAddress, Int32(bytes.count)) }
        return bio
    }
}
