import COpenSSL

/// Turns PEM text from Secrets into OpenSSL objects, with errors that name the Secret field.
/// Every failure is unusable material: the same text fails the same way on every retry.
enum PEMReader {
    /// Every certificate in the PEM text, in order; the caller frees them.
    static func certificates(_ pem: [UInt8], what field: String) throws(SocketError) -> [OpaquePointer] {
        guard let bio = pem.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw .tls(.unusableMaterial("\(field): out of memory"))
        }
        defer { BIO_free(bio) }
        var certificates: [OpaquePointer] = []
        while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
            certificates.append(certificate)
        }
        ERR_clear_error()
        guard !certificates.isEmpty else { throw .tls(.unusableMaterial("\(field) holds no PEM certificate")) }
        return certificates
    }

    static func privateKey(_ pem: [UInt8]) throws(SocketError) -> OpaquePointer {
        guard let bio = pem.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw .tls(.unusableMaterial("clientKeySecret: out of memory"))
        }
        defer { BIO_free(bio) }
        guard let key = PEM_read_bio_PrivateKey(bio, nil, nil, nil) else {
            throw .tls(.unusableMaterial("clientKeySecret holds no PEM private key: \(OpenSSLError.drain())"))
        }
        return key
    }
}

/// OpenSSL's thread-local error queue, read out as one line.
enum OpenSSLError {
    static func drain() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.joined(separator: "; ")
    }
}
