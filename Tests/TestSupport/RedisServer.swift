import Foundation

/// A real `redis-server` on a free 127.0.0.1 port, in its own temporary folder.
/// redis-server cannot listen on a port the kernel picks, so the port is chosen below the
/// ephemeral range (where no outgoing connection takes it) and another one is tried when the
/// server reports "Address already in use" anyway.
/// With `persistent`, every write is fsynced to an append-only file, so a restart after
/// SIGKILL keeps the streams and consumer groups as they were.
public final class RedisServer: @unchecked Sendable {
    // @unchecked: `child` and `port` are only replaced by init and restart(), which a test calls from one task.
    public private(set) var port: Int
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
        self.port = port ?? FreePort.belowEphemeralRange()
        self.persistent = persistent
        self.tls = tls
        self.clientAuthentication = clientAuthentication
        self.extraArguments = arguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var attempt = 1
        while true {
            do {
                try await start()
                return
            } catch RedisServerError.portInUse where attempt < 8 {
                attempt += 1
                // A port given by the test is the test's to keep; wait for it rather than move.
                if port == nil { self.port = FreePort.belowEphemeralRange() }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
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
        try await waitUntil(
            "redis-server on port \(port) to accept connections", timeout: .seconds(45), interval: .milliseconds(50)
        ) {
            guard child.isRunning else {
                let output = child.standardError + child.standardOutput
                if output.contains("Address already in use") { throw RedisServerError.portInUse(port) }
                throw RedisServerError.exited(output)
            }
            // The listener must be this child's: on a port another server took, that server would answer.
            // A connect first, as reading the kernel's socket table is costly for the 2 cooperative threads.
            return FreePort.isListening(port) && ListeningPort.all(pid: child.pid).contains(port)
        }
        // Accepting is not serving: after a restart it answers LOADING until the AOF is read back.
        var ping = ["-p", String(port)]
        if let tls { ping += ["--tls", "--cacert", tls.caCertificate, "--cert", tls.clientCertificate, "--key", tls.clientKey] }
        ping.append("PING")
        try await waitUntil("redis-server on port \(port) to answer PING", timeout: .seconds(45)) {
            // PONG, or NOAUTH from a server with a password: either way it serves commands now.
            let answer = try await CommandRun.run("/usr/bin/redis-cli", ping).standardOutput
            return answer.contains("PONG") || answer.contains("NOAUTH")
        }
    }

    /// Kills the server at once, as a crash would, and waits until it is gone.
    public func kill() async throws {
        try await child?.killAndWait()
    }

    /// Starts the server again on the same port and folder; if something else took the port
    /// meanwhile, waits a while for it to be free again.
    public func restart() async throws {
        try await kill()
        try await waitUntil("port \(port) to be free for redis-server's restart", timeout: .seconds(30), interval: .milliseconds(200)) {
            do {
                try await start()
                return true
            } catch RedisServerError.portInUse {
                return false
            }
        }
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
    case portInUse(Int)
    public var description: String {
        switch self {
        case .exited(let output): return "redis-server exited: \(output)"
        case .portInUse(let port): return "redis-server could not listen on port \(port): Address already in use"
        }
    }
}
