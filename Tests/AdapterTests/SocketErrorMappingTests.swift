@testable import Adapter
import Testing
import TestSupport

/// The socket layer throws `SocketError`; what users read is still `RedisError`, word for word as
/// before the split, and only bad TLS material stops the retries.
@Suite struct SocketErrorMappingTests {
    @Test(arguments: [
        (SocketError.refused("127.0.0.1:1: Connection refused"), RedisError.connectFailed("127.0.0.1:1: Connection refused"),
         "cannot connect to Redis: 127.0.0.1:1: Connection refused"),
        (.connectFailed("127.0.0.1:1: connect timed out"), .connectFailed("127.0.0.1:1: connect timed out"),
         "cannot connect to Redis: 127.0.0.1:1: connect timed out"),
        (.closed("the server closed the connection"), .connectionLost("the server closed the connection"),
         "connection to Redis lost: the server closed the connection"),
        (.timedOut("reply"), .timedOut("reply"), "Redis did not answer in time (reply)"),
        (.tls(.certificateNotAccepted("hostname mismatch")),
         .tlsFailed("the server's certificate was not accepted: hostname mismatch"),
         "TLS with Redis failed: the server's certificate was not accepted: hostname mismatch"),
        (.tls(.handshakeFailed("the server closed the connection")), .tlsFailed("handshake failed: the server closed the connection"),
         "TLS with Redis failed: handshake failed: the server closed the connection"),
        (.tls(.setupFailed("cannot create a TLS context: x")), .tlsFailed("cannot create a TLS context: x"),
         "TLS with Redis failed: cannot create a TLS context: x"),
        (.tls(.unusableMaterial("caCertSecret holds no PEM certificate")),
         .unusableTLSMaterial("caCertSecret holds no PEM certificate"), "TLS with Redis failed: caCertSecret holds no PEM certificate"),
        (.cancelled, .cancelled, "stopped"),
    ])
    func mapsToTheRedisErrorUsersAlreadySee(socket: SocketError, redis: RedisError, text: String) {
        #expect(RedisError(socket) == redis)
        #expect(RedisError(socket).description == text)
        #expect(RedisError(socket).isRetryable == socket.isRetryable)
    }

    @Test func aRefusedConnectionReadsAsBefore() async throws {
        let closed = try ReservedPort()
        defer { closed.close() }
        let error = await BlockingConnectAttempt.failure(port: closed.port, tls: nil)
        #expect(error == .connectFailed("127.0.0.1:\(closed.port): Connection refused"))
        #expect(error?.description == "cannot connect to Redis: 127.0.0.1:\(closed.port): Connection refused")
    }

    /// The adapters' NIO connection says it in the same words: address, then the system's reason,
    /// not NIO's "connection reset (error set): Connection refused (errno: 111)".
    @Test func aRefusedNIOConnectionNamesTheAddressAndTheCause() async throws {
        let closed = try ReservedPort()
        defer { closed.close() }
        var failure: RedisError?
        do {
            _ = try await RedisChannelPipe.connect(
                host: "127.0.0.1", port: closed.port, on: AdapterRuntime.forTests.eventLoops.next(), timeout: .seconds(30), tls: nil)
        } catch {
            failure = error
        }
        #expect(failure?.description == "cannot connect to Redis: 127.0.0.1:\(closed.port): Connection refused")
    }
}
