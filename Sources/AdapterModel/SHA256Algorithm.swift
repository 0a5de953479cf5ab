import COpenSSL

/// OpenSSL's SHA-256 implementation, fetched once: with `EVP_sha256()` OpenSSL 3 looks the
/// provider's implementation up again on every digest, which costs more than the hashing itself.
///
/// @unchecked Sendable: the compiler cannot see that the `EVP_MD` pointer is immutable and thread-safe.
package final class SHA256Algorithm: @unchecked Sendable {
    package static let shared = SHA256Algorithm()

    private let algorithm: OpaquePointer?

    private init() {
        algorithm = EVP_MD_fetch(nil, "SHA256", nil)
    }

    /// Hands the 32-byte digest of `bytes` to `body`, in a buffer on the stack.
    package func withDigest<T>(of bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        bytes.withUnsafeBytes { withDigest(of: $0, body) }
    }

    package func withDigest<T>(of bytes: UnsafeRawBufferPointer, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Int(EVP_MAX_MD_SIZE)) { digest in
            var length: UInt32 = 0
            EVP_Digest(bytes.baseAddress, bytes.count, digest.baseAddress, &length, algorithm ?? EVP_sha256(), nil)
            return body(UnsafeBufferPointer(rebasing: digest[..<Int(length)]))
        }
    }
}
