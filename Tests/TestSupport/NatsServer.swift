import Foundation
import Synchronization

/// A real `nats-server -js` on 127.0.0.1, storing JetStream in its own temporary folder, so a
/// restart keeps the streams. The first start lets the server pick a free port (`-p -1`) and
/// reads it back from its ports file; restarts reuse that port.
public final class NatsServer: Sendable {
    public let directory: URL
    private let user: String?
    private let password: String?
    private let extraArguments: [String]
    /// The client port (0 before the first start) and the running server (nil once stopped).
    private let running = Mutex<(port: Int, child: ChildProcess?)>((0, nil))

    public static var executable: String {
        for candidate in ["/usr/sbin/nats-server", "/usr/bin/nats-server", "/usr/local/bin/nats-server"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "nats-server"
    }

    /// With `user` and `password`, clients must log in with them (basic auth).
    public init(user: String? = nil, password: String? = nil, arguments: [String] = []) async throws {
        self.user = user
        self.password = password
        extraArguments = arguments
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("nats-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try await start()
    }

    public var port: Int { running.withLock { $0.port } }
    public var url: String { "nats://127.0.0.1:\(port)" }
    public var pid: Int32? { child?.pid }
    public var log: String { (child?.standardError ?? "") + (child?.standardOutput ?? "") }
    private var child: ChildProcess? { running.withLock { $0.child } }

    private func start() async throws {
        let portsFolder = directory.appendingPathComponent("ports-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: portsFolder, withIntermediateDirectories: true)
        var arguments = [
            "-js", "-sd", directory.appendingPathComponent("store").path, "-a", "127.0.0.1",
            "-p", port == 0 ? "-1" : String(port), "--ports_file_dir", portsFolder.path,
        ]
        if let user, let password { arguments += ["--user", user, "--pass", password] }
        arguments += extraArguments
        let child = try ChildProcess(Self.executable, arguments)
        running.withLock { $0.child = child }
        let port = try await waitForValue("nats-server to write its ports file", timeout: .seconds(20)) {
            guard child.isRunning else { throw NatsServerError.exited(child.standardError + child.standardOutput) }
            return Self.clientPort(in: portsFolder)
        }
        running.withLock { $0.port = port }
        try await waitUntil("nats-server on port \(port) to accept connections", timeout: .seconds(20)) {
            guard child.isRunning else { throw NatsServerError.exited(child.standardError + child.standardOutput) }
            return FreePort.isListening(port)
        }
    }

    /// The client port from `<executable>_<pid>.ports`: `{"nats": ["nats://127.0.0.1:PORT"], ...}`.
    private static func clientPort(in folder: URL) -> Int? {
        guard let name = try? FileManager.default.contentsOfDirectory(atPath: folder.path).first(where: { $0.hasSuffix(".ports") }),
            let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let urls = object["nats"] as? [String], let first = urls.first,
            let colon = first.lastIndex(of: ":")
        else { return nil }
        return Int(first[first.index(after: colon)...])
    }

    /// Kills the server at once, as a crash would, and waits until it is gone.
    public func kill() async throws {
        try await child?.killAndWait()
    }

    /// Starts the server again on the same port and store.
    public func restart() async throws {
        try await kill()
        try await start()
    }

    public func stop() {
        running.withLock { running in
            running.child?.stop()
            running.child = nil
        }
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

public enum NatsServerError: Error, CustomStringConvertible {
    case exited(String)
    public var description: String {
        switch self {
        case .exited(let output): return "nats-server exited: \(output)"
        }
    }
}
