import Adapter
import EventSourceAPI
import Foundation

/// redis-server with every write fsynced to its append-only file, so SIGKILL loses nothing it
/// acknowledged. It cannot listen on a port the kernel picks: the port is chosen at random below
/// the ephemeral range, and another is tried when the server says "Address already in use".
final class ChaosRedis {
    private(set) var port: Int
    let folder: String
    private var process: ChaosProcess?
    private var starts = 0

    init(folder: String) throws {
        self.folder = folder
        port = 0
        for _ in 0..<10 {
            port = Int.random(in: 12_000..<30_000)
            if try start() { return }
        }
        throw ChaosError.setup("redis-server found no free port in 10 attempts")
    }

    /// Starts the server on `port`; false when the port was taken.
    private func start() throws -> Bool {
        starts += 1
        let process = try ChaosProcess(
            Self.executable,
            [
                "--port", String(port), "--bind", "127.0.0.1", "--dir", folder, "--save", "", "--appendonly", "yes",
                "--appendfsync", "always", "--protected-mode", "no", "--loglevel", "warning", "--daemonize", "no",
            ], folder: folder, label: "redis-\(starts)")
        self.process = process
        var served = false
        Poll.until(seconds: 60) {
            guard process.isRunning else { return true }
            served = servesFrom(pid: process.pid)
            return served
        }
        if served { return true }
        let log = process.output + process.errorOutput
        process.kill()
        if log.contains("Address already in use") { return false }
        throw ChaosError.setup("redis-server did not start: \(log.suffix(400))")
    }

    /// True once the server on `port` answers and is this process (not another server that
    /// happens to hold the port).
    private func servesFrom(pid: pid_t) -> Bool {
        guard let client = try? ChaosRedisClient.connect(to: address, timeout: .seconds(5)) else { return false }
        defer { client.close() }
        guard let info = try? client.command("INFO", "server").string else { return false }
        return info.contains("process_id:\(pid)\r")
    }

    var address: HostAddress { HostAddress(host: "127.0.0.1", port: port) }

    /// SIGKILL, as a crash would.
    func kill() { process?.kill() }

    /// Starts again on the same port and folder, replaying the append-only file.
    func restart() throws {
        kill()
        let restarted = Poll.until(seconds: 30, interval: 0.2) { (try? start()) == true }
        if !restarted { throw ChaosError.setup("redis-server could not restart on port \(port)") }
    }

    func stop() { process?.stop() }

    static var executable: String {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server"
    }
}
