import COpenSSL

/// A throwaway PKI made at start: a CA, a server certificate for 127.0.0.1 and localhost, and a
/// client certificate (CN=admin, O=system:masters) that kubeconfigs can use instead of a token.
public struct GeneratedCertificates: Sendable {
    public let caCertificatePEM: String
    public let serverCertificatePEM: String
    public let serverKeyPEM: String
    public let clientCertificatePEM: String
    public let clientKeyPEM: String

    public static func make(clientCommonName: String = "admin", clientOrganization: String = "system:masters") throws
        -> GeneratedCertificates
    {
        let caKey = try makeKey()
        defer { EVP_PKEY_free(caKey) }
        let caCertificate = try makeCertificate(
            subject: [("CN", "kube-testserver-ca")], key: caKey, issuer: nil, issuerKey: caKey, serial: 1,
            extensions: [
                (NID_basic_constraints, "critical,CA:TRUE"), (NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature"),
                (NID_subject_key_identifier, "hash"),
            ])
        defer { X509_free(caCertificate) }
        let serverKey = try makeKey()
        defer { EVP_PKEY_free(serverKey) }
        let serverCertificate = try makeCertificate(
            subject: [("CN", "kube-testserver")], key: serverKey, issuer: caCertificate, issuerKey: caKey, serial: 2,
            extensions: [
                (NID_basic_constraints, "CA:FALSE"), (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                (NID_ext_key_usage, "serverAuth"), (NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost"),
                (NID_authority_key_identifier, "keyid"),
            ])
        defer { X509_free(serverCertificate) }
        let clientKey = try makeKey()
        defer { EVP_PKEY_free(clientKey) }
        let clientCertificate = try makeCertificate(
            subject: [("O", clientOrganization), ("CN", clientCommonName)], key: clientKey, issuer: caCertificate,
            issuerKey: caKey, serial: 3,
            extensions: [
                (NID_basic_constraints, "CA:FALSE"), (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                (NID_ext_key_usage, "clientAuth"), (NID_authority_key_identifier, "keyid"),
            ])
        defer { X509_free(clientCertificate) }
        return GeneratedCertificates(
            caCertificatePEM: try pem { PEM_write_bio_X509($0, caCertificate) },
            serverCertificatePEM: try pem { PEM_write_bio_X509($0, serverCertificate) },
            serverKeyPEM: try pem { PEM_write_bio_PrivateKey($0, serverKey, nil, nil, 0, nil, nil) },
            clientCertificatePEM: try pem { PEM_write_bio_X509($0, clientCertificate) },
            clientKeyPEM: try pem { PEM_write_bio_PrivateKey($0, clientKey, nil, nil, 0, nil, nil) })
    }

    /// P-256 keys: quick to make, and every TLS stack in play (OpenSSL, Go) takes them.
    private static func makeKey() throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new_id(NID_X9_62_id_ecPublicKey, nil) else { throw OpenSSLError.last("EVP_PKEY_CTX_new_id") }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_keygen_init(context) == 1,
            EVP_PKEY_CTX_set_ec_paramgen_curve_nid(context, NID_X9_62_prime256v1) == 1,
            EVP_PKEY_keygen(context, &key) == 1, let key
        else { throw OpenSSLError.last("EVP_PKEY_keygen") }
        return key
    }

    private static func makeCertificate(
        subject: [(String, String)], key: OpaquePointer, issuer: OpaquePointer?, issuerKey: OpaquePointer, serial: Int,
        extensions: [(Int32, String)]
    ) throws -> OpaquePointer {
        guard let certificate = X509_new() else { throw OpenSSLError.last("X509_new") }
        X509_set_version(certificate, 2)
        ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial)
        X509_gmtime_adj(X509_getm_notBefore(certificate), -3600)
        X509_gmtime_adj(X509_getm_notAfter(certificate), 60 * 60 * 24 * 365)
        X509_set_pubkey(certificate, key)
        let name = X509_get_subject_name(certificate)
        for (field, value) in subject {
            X509_NAME_add_entry_by_txt(name, field, MBSTRING_ASC, value, -1, -1, 0)
        }
        X509_set_issuer_name(certificate, issuer.map { X509_get_subject_name($0) } ?? name)
        var context = X509V3_CTX()
        X509V3_set_ctx(&context, issuer ?? certificate, certificate, nil, nil, 0)
        for (nid, value) in extensions {
            guard let `extension` = X509V3_EXT_conf_nid(nil, &context, nid, value) else {
                X509_free(certificate)
                throw OpenSSLError.last("X509V3_EXT_conf_nid(\(value))")
            }
            X509_add_ext(certificate, `extension`, -1)
            X509_EXTENSION_free(`extension`)
        }
        guard X509_sign(certificate, issuerKey, EVP_sha256()) > 0 else {
            X509_free(certificate)
            throw OpenSSLError.last("X509_sign")
        }
        return certificate
    }

    private static func pem(_ write: (OpaquePointer) -> Int32) throws -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLError.last("BIO_new") }
        defer { BIO_free(bio) }
        guard write(bio) == 1 else { throw OpenSSLError.last("PEM_write") }
        return String(decoding: MemoryBIO.drain(bio), as: UTF8.self)
    }
}

enum MemoryBIO {
    static func drain(_ bio: OpaquePointer) -> [UInt8] {
        let pending = Int(BIO_ctrl_pending(bio))
        guard pending > 0 else { return [] }
        var bytes = [UInt8](repeating: 0, count: pending)
        let read = bytes.withUnsafeMutableBytes { BIO_read(bio, $0.baseAddress, Int32(pending)) }
        return Array(bytes.prefix(max(0, Int(read))))
    }
}

public struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    public let description: String

    static func last(_ call: String) -> OpenSSLError {
        let code = ERR_get_error()
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(code, &buffer, buffer.count)
        let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return OpenSSLError(description: "\(call) failed: \(text)")
    }
}
