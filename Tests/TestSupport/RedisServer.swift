import Foundation

/// A real `redis-server` on a free 127.0.0.1 port, in its own temporary folder.
/// With `persistent`, every write is fsynced to an append-only file, so a restart after
/// SIGKILL keeps the streams and consumer groups as they were.
public final class RedisServer: @unchecked Sendable {
    // @unchecked: `child` is only replaced by restart(), which a test calls from one task.
    public let port: Int
    public let directory: URL
    private let extraArguments: [String]
    private let persistent: Bool
    private let tls: TestCertificates?
    private let clientAuthentication: Bool
    private var child: ChildProcess?

    public static var executable: String {
        for candidate in ["/usr/bin/redis-server", "/usr/local/bin/redis-server"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "redis-server"
    }

    /// With `tls`, the server speaks only TLS on `port`, with the test CA's server certificate;
    /// `clientAuthentication` then demands a client certificate signed by that CA.
    public init(
        persistent: Bool = false, arguments: [String] = [], port: Int? = nil, tls: TestCertificates? = nil,
        clientAuthentication: Bool = false
    ) async throws {
        self.port = port ?? FreePort.next()
        self.persistent = persistent
        self.tls = tls
        self.clientAuthentication = clientAuthentication
        self.extraArguments = arguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await start()
    }

    public var address: String { "127.0.0.1:\(port)" }
    public var pid: Int32? { child?.pid }

    private func start() async throws {
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory.path, "--save", "",
            "--protected-mode", "no", "--loglevel", "warning", "--daemonize", "no",
        ]
        arguments += persistent ? ["--appendonly", "yes", "--appendfsync", "always"] : ["--appendonly", "no"]
        if let tls {
            arguments += [
                "--port", "0", "--tls-port", String(port), "--tls-cert-file", tls.serverCertificate,
                "--tls-key-file", tls.serverKey, "--tls-ca-cert-file", tls.caCertificate,
                "--tls-auth-clients", clientAuthentication ? "yes" : "no",
            ]
        }
        arguments += extraArguments
        let child = try ChildProcess(Self.executable, arguments)
        self.child = child
        try await waitUntil("redis-server on port \(port) to accept connections", timeout: .seconds(15)) {
            guard child.isRunning else {
                throw RedisServerError.exited(child.standardError + child.standardOutput)
            }
            return FreePort.isListening(port)
        }
        // Accepting is not serving: after a restart it answers LOADING until the AOF is read back.
        var ping = ["-p", String(port)]
        if let tls { ping += ["--tls", "--cacert", tls.caCertificate, "--cert", tls.clientCertificate, "--key", tls.clientKey] }
        ping.append("PING")
        try await waitUntil("redis-server on port \(port) to answer PING", timeout: .seconds(15)) {
            // PONG, or NOAUTH from a server with a password: either way it serves commands now.
            let answer = try await CommandRun.run("/usr/bin/redis-cli", ping).standardOutput
            return answer.contains("PONG") || answer.contains("NOAUTH")
        }
    }

    /// Kills the server at once, as a crash would, and waits until it is gone.
    public func kill() async throws {
        try await child?.killAndWait()
    }

    /// Starts the server again on the same port and folder.
    public func restart() async throws {
        try await kill()
        try await start()
    }

    public func stop() {
        child?.stop()
        child = nil
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

public enum RedisServerError: Error, CustomStringConvertible {
    case exited(String)
    public var description: String {
        switch self {
        case .exited(let output): return "redis-server exited: \(output)"
        }
    }
}
