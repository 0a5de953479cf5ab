@testable import Adapter
import AdapterModel
import NIOCore
import NIOPosix
import Sinks
import Testing
import TestSupport

/// `OpenSSLClientHandler` on a real event loop against real TLS redis-servers, with certificates
/// the real openssl made. The RESP spoken here is the tests' own, just enough to see bytes cross intact.
@Suite struct OpenSSLClientHandlerTests {
    private func withTLSRedis(
        clientAuthentication: Bool = false, protocols: String? = nil,
        _ body: (TestCertificates, RedisServer, any EventLoopGroup) async throws -> Void
    ) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let redis = try await RedisServer(
            arguments: protocols.map { ["--tls-protocols", $0] } ?? [], tls: certificates, clientAuthentication: clientAuthentication)
        defer { redis.stop() }
        try await withEventLoop { group in try await body(certificates, redis, group) }
    }

    private func withEventLoop(_ body: (any EventLoopGroup) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await body(group)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    /// A plain TCP server on 127.0.0.1 that speaks no TLS: it hangs up on the ClientHello, or ignores it.
    private func withPlainServer(
        hangingUp: Bool, _ body: (_ port: Int, TestCertificates, any EventLoopGroup) async throws -> Void
    ) async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        try await withEventLoop { group in
            let server = try await ServerBootstrap(group: group)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if hangingUp { try channel.pipeline.syncOperations.addHandler(HangUpOnFirstRead()) }
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            try await body(try #require(server.localAddress?.port), certificates, group)
            try await server.close()
        }
    }

    private func material(_ certificates: TestCertificates, ca: String = "ca.crt", client: Bool = false) throws -> TLSMaterial {
        TLSMaterial(
            caCertificate: SecretValue(try certificates.contents(ca)),
            clientCertificate: client ? SecretValue(try certificates.contents("client.crt")) : nil,
            clientKey: client ? SecretValue(try certificates.contents("client.key")) : nil)
    }

    private static let pong = Array("+PONG\r\n".utf8)

    /// The first error the handler fired, once the channel has closed.
    private func failure(of connection: TLSTestChannel) async throws -> SocketError {
        try await waitForValue("the TLS error and the channel's end") {
            let now = connection.snapshot
            return now.inactive ? now.socketErrors.first : nil
        }
    }

    @Test(arguments: ["TLSv1.2", "TLSv1.3"])
    func carriesPingAndAMegabyteBothWaysToAServerVerifiedByTheCA(protocols: String) async throws {
        try await withTLSRedis(protocols: protocols) { certificates, redis, group in
            let connection = try await TLSTestChannel.connect(group: group, port: redis.port, material: try material(certificates))
            // Sent at once, before the handshake can have finished: the handler holds it until then.
            connection.send([Array("PING".utf8)])
            #expect(try await connection.receive(Self.pong.count) == Self.pong)
            #expect(connection.snapshot.handshakeCompleted)

            // Larger than any TLS record, socket buffer or single read: it crosses in many pieces.
            let value = (0..<1_048_576).map { UInt8(ascii: "a") + UInt8($0 % 26) }
            connection.send([Array("SET".utf8), Array("big".utf8), value], [Array("GET".utf8), Array("big".utf8)])
            let expected = Self.pong + Array("+OK\r\n$\(value.count)\r\n".utf8) + value + Array("\r\n".utf8)
            #expect(try await connection.receive(expected.count) == expected)
            // The megabyte crossed in record-sized slices, so no connection keeps a megabyte of BIO memory.
            #expect(try await connection.tlsBufferCapacity() < 256 * 1024)

            await connection.close()
            #expect(connection.snapshot.socketErrors.isEmpty)
            #expect(connection.snapshot.otherErrors.isEmpty)
        }
    }

    @Test(arguments: ["TLSv1.2", "TLSv1.3"])
    func aServerDemandingAClientCertificateAcceptsOnlyOne(protocols: String) async throws {
        try await withTLSRedis(clientAuthentication: true, protocols: protocols) { certificates, redis, group in
            let withCertificate = try await TLSTestChannel.connect(
                group: group, port: redis.port, material: try material(certificates, client: true))
            withCertificate.send([Array("PING".utf8)])
            #expect(try await withCertificate.receive(Self.pong.count) == Self.pong)
            await withCertificate.close()

            let without = try await TLSTestChannel.connect(group: group, port: redis.port, material: try material(certificates))
            without.send([Array("PING".utf8)])
            let error = try await failure(of: without)
            // TLS 1.2 refuses in the handshake; TLS 1.3 finishes the client's handshake first, so there
            // the refusal arrives as the server's alert on the first read.
            #expect(RedisError(error).description.contains("TLS"))
            #expect(RedisError(error).isRetryable)
            #expect(without.snapshot.received.isEmpty)
        }
    }

    @Test func aServerSignedByAnotherCAIsRefusedInTheWordsOfTheRedisClient() async throws {
        try await withTLSRedis { certificates, redis, group in
            let connection = try await TLSTestChannel.connect(
                group: group, port: redis.port, material: try material(certificates, ca: "other-ca.crt"))
            connection.send([Array("PING".utf8)])
            let error = try await failure(of: connection)
            #expect(RedisError(error).description.hasPrefix("TLS with Redis failed: the server's certificate was not accepted: "))
            #expect(RedisError(error) == (await BlockingConnectAttempt.failure(port: redis.port, tls: try material(certificates, ca: "other-ca.crt"))))
            #expect(!connection.snapshot.handshakeCompleted)
            #expect(connection.snapshot.socketErrors.count == 1)
        }
    }

    @Test func theCertificateMustNameTheHostUnlessVerificationIsOff() async throws {
        try await withTLSRedis { certificates, redis, group in
            let wrongName = try await TLSTestChannel.connect(
                group: group, port: redis.port, material: try material(certificates), serverName: "redis.example")
            let mismatch = try await failure(of: wrongName)
            #expect(mismatch == .tls(.certificateNotAccepted("hostname mismatch")))

            let byName = try await TLSTestChannel.connect(
                group: group, port: redis.port, material: try material(certificates), serverName: "localhost")
            byName.send([Array("PING".utf8)])
            #expect(try await byName.receive(Self.pong.count) == Self.pong)
            await byName.close()

            let unverified = try await TLSTestChannel.connect(
                group: group, port: redis.port, material: TLSMaterial(insecureSkipVerify: true), serverName: "redis.example")
            unverified.send([Array("PING".utf8)])
            #expect(try await unverified.receive(Self.pong.count) == Self.pong)
            await unverified.close()
        }
    }

    @Test func unusableMaterialFailsBeforeAnyConnectionAndIsNotRetried() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let mismatched = TLSMaterial(
            caCertificate: SecretValue(try certificates.contents("ca.crt")),
            clientCertificate: SecretValue(try certificates.contents("client.crt")),
            clientKey: SecretValue(try certificates.contents("stranger.key")))
        let error = try #require(throws: SocketError.self) { try TLSClientContext(material: mismatched) }
        #expect(!error.isRetryable)
        #expect(RedisError(error).description.hasPrefix("TLS with Redis failed: clientKeySecret does not match clientCertSecret: "))
        #expect(!RedisError(error).isRetryable)
        let notPEM = TLSMaterial(caCertificate: SecretValue("not a certificate"))
        #expect(throws: SocketError.tls(.unusableMaterial("caCertSecret holds no PEM certificate"))) {
            try TLSClientContext(material: notPEM)
        }
    }

    /// A one-connection TLS server in Python's ssl module (a real OpenSSL peer of its own): it prints
    /// its port, each read's size, then "close_notify" or "no close_notify: <OpenSSL's reason>".
    private static let closeWatchingServer = """
        import socket, ssl, sys
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        # Python ignores a missing close_notify by default; this server is there to notice it.
        context.options &= ~ssl.OP_IGNORE_UNEXPECTED_EOF
        listener = socket.create_server(("127.0.0.1", 0))
        print(listener.getsockname()[1], flush=True)
        connection, _ = listener.accept()
        tls = context.wrap_socket(connection, server_side=True, suppress_ragged_eofs=False)
        try:
            while data := tls.recv(65536):
                print("received", len(data), flush=True)
            print("close_notify", flush=True)
        except ssl.SSLError as error:
            print("no close_notify:", error, flush=True)
        """

    @Test func closingSendsCloseNotify() async throws {
        let certificates = try await TestCertificates.make()
        defer { certificates.remove() }
        let server = try ChildProcess(
            "/usr/bin/python3", ["-c", Self.closeWatchingServer, certificates.serverCertificate, certificates.serverKey])
        defer { server.stop() }
        let port = try await waitForValue("the Python TLS server's port") { server.completeStandardOutputLines.first.flatMap { Int($0) } }
        try await withEventLoop { group in
            let connection = try await TLSTestChannel.connect(group: group, port: port, material: try material(certificates))
            connection.send([Array("PING".utf8)])
            // The held write ("*1\r\n$4\r\nPING\r\n", 14 bytes) arrives once the handshake is done.
            try await waitUntil("the server to read the held write") { server.standardOutput.contains("received 14\n") }
            await connection.close()
            try await waitUntil("the server's verdict on the close") { server.completeStandardOutputLines.count >= 3 }
            #expect(server.completeStandardOutputLines.last == "close_notify", "\(server.standardOutput)")
            #expect(connection.snapshot.socketErrors.isEmpty)
        }
    }

    @Test func aServerThatDiesMidConversationIsALostConnection() async throws {
        try await withTLSRedis { certificates, redis, group in
            let connection = try await TLSTestChannel.connect(group: group, port: redis.port, material: try material(certificates))
            connection.send([Array("PING".utf8)])
            #expect(try await connection.receive(Self.pong.count) == Self.pong)
            try await redis.kill()
            let error = try await failure(of: connection)
            // A killed server sends no close_notify: OpenSSL calls that an unexpected EOF, as on a socket.
            #expect(RedisError(error).description.hasPrefix("connection to Redis lost: TLS read failed: "))
            #expect(RedisError(error).isRetryable)
        }
    }

    @Test func aServerClosingMidHandshakeIsAHandshakeFailure() async throws {
        try await withPlainServer(hangingUp: true) { port, certificates, group in
            let connection = try await TLSTestChannel.connect(group: group, port: port, material: try material(certificates))
            connection.send([Array("PING".utf8)])
            let error = try await failure(of: connection)
            #expect(RedisError(error).description.hasPrefix("TLS with Redis failed: handshake failed: "))
            #expect(RedisError(error).isRetryable)
            #expect(RedisError(error) == (await BlockingConnectAttempt.failure(port: port, tls: try material(certificates))))
        }
    }

    @Test func aServerThatNeverAnswersTheHandshakeTimesOutAtTheDeadline() async throws {
        try await withPlainServer(hangingUp: false) { port, certificates, group in
            let connection = try await TLSTestChannel.connect(
                group: group, port: port, material: try material(certificates), handshakeTimeout: .milliseconds(300))
            connection.send([Array("PING".utf8)])
            let error = try await failure(of: connection)
            #expect(error == .timedOut("TLS handshake"))
            #expect(RedisError(error).description == "Redis did not answer in time (TLS handshake)")
        }
    }

    private final class HangUpOnFirstRead: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.close(promise: nil)
        }
    }
}
