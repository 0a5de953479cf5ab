import NIOCore
#if canImport(Glibc)
import Glibc
#endif

/// Everything that can go wrong carrying bytes to a server, plain or TLS, without knowing the
/// protocol on top. The Redis side turns it into `RedisError` in one place, `RedisError.init(_:)`.
enum SocketError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Nothing listens at the address (ECONNREFUSED): the server may be starting or restarting.
    case refused(String)
    /// DNS, unreachable, or no connection in time: the server may come back.
    case connectFailed(String)
    /// The connection broke, or the server closed it, mid-conversation.
    case closed(String)
    /// No progress before the deadline; names what was awaited ("reply", "send", "TLS handshake").
    case timedOut(String)
    case tls(TLSFailure)
    /// The caller stopped waiting; not a failure.
    case cancelled

    enum TLSFailure: Sendable, Equatable, CustomStringConvertible {
        /// The certificates or key cannot be used; only new material can fix that, so retrying does not help.
        case unusableMaterial(String)
        /// OpenSSL could not make a context or session (out of memory, in practice).
        case setupFailed(String)
        /// Certificate verification failed; carries OpenSSL's reason ("certificate has expired", "hostname mismatch").
        case certificateNotAccepted(String)
        /// Any other handshake failure: an alert, a protocol mismatch, the server closing the connection.
        case handshakeFailed(String)

        var description: String {
            switch self {
            case .unusableMaterial(let reason), .setupFailed(let reason): return reason
            case .certificateNotAccepted(let reason): return "the server's certificate was not accepted: \(reason)"
            case .handshakeFailed(let reason): return "handshake failed: \(reason)"
            }
        }
    }

    var isRetryable: Bool {
        switch self {
        case .cancelled, .tls(.unusableMaterial): return false
        default: return true
        }
    }

    var description: String {
        switch self {
        case .refused(let reason), .connectFailed(let reason): return "cannot connect: \(reason)"
        case .closed(let reason): return "connection lost: \(reason)"
        case .timedOut(let what): return "no answer in time (\(what))"
        case .tls(let failure): return "TLS failed: \(failure)"
        case .cancelled: return "stopped"
        }
    }
}

extension SocketError {
    /// The operating system's words for a failed connect ("Connection refused"), as users
    /// read them; NIO's IOError text ("connection reset (error set): …(errno: 111)") is not for users.
    static func reason(for error: any Error) -> String {
        if let error = error as? IOError { return String(cString: strerror(error.errnoCode)) }
        return "\(error)"
    }
}

extension RedisError {
    /// The one mapping from the socket layer to what Redis users see; the wording is unchanged from
    /// when the socket layer threw `RedisError` itself.
    init(_ error: SocketError) {
        switch error {
        case .refused(let reason), .connectFailed(let reason): self = .connectFailed(reason)
        case .closed(let reason): self = .connectionLost(reason)
        case .timedOut(let what): self = .timedOut(what)
        case .tls(.unusableMaterial(let reason)): self = .unusableTLSMaterial(reason)
        case .tls(let failure): self = .tlsFailed(failure.description)
        case .cancelled: self = .cancelled
        }
    }
}
