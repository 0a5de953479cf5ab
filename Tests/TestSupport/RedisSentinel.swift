import Foundation
import Synchronization

/// A real Redis Sentinel (Debian's `redis-sentinel`, else `redis-server --sentinel`) on a
/// free 127.0.0.1 port, with its own config file (a Sentinel rewrites it as it learns). It monitors
/// the named masters with quorum `quorum` and notices a dead master after `downAfter`.
public final class RedisSentinel: Sendable {
    public let port: Int
    public let directory: URL
    /// nil once stopped.
    private let child: Mutex<ChildProcess?>

    public init(
        monitoring masters: [(name: String, port: Int)], quorum: Int = 1, downAfter: Duration = .seconds(1)
    ) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var candidate = FreePort.belowEphemeralRange()
        var attempt = 1
        while true {
            let port = candidate
            let config = directory.appendingPathComponent("sentinel.conf")
            var lines = [
                "port \(port)", "bind 127.0.0.1", "daemonize no", "dir \(directory.path)", "loglevel warning",
                "protected-mode no",
            ]
            let milliseconds = Int(downAfter.components.seconds) * 1000 + Int(downAfter.components.attoseconds / 1_000_000_000_000_000)
            for master in masters {
                lines += [
                    "sentinel monitor \(master.name) 127.0.0.1 \(master.port) \(quorum)",
                    "sentinel down-after-milliseconds \(master.name) \(milliseconds)",
                    "sentinel failover-timeout \(master.name) 10000",
                    "sentinel parallel-syncs \(master.name) 1",
                ]
            }
            try (lines.joined(separator: "\n") + "\n").write(to: config, atomically: true, encoding: .utf8)
            // Debian's redis-sentinel (scripts/install-deps.sh) is redis-server in Sentinel mode.
            let child =
                FileManager.default.isExecutableFile(atPath: "/usr/bin/redis-sentinel")
                ? try ChildProcess("/usr/bin/redis-sentinel", [config.path])
                : try ChildProcess(RedisServer.executable, [config.path, "--sentinel"])
            do {
                try await waitUntil("redis-sentinel on port \(port) to answer", timeout: .seconds(45), interval: .milliseconds(50)) {
                    guard child.isRunning else {
                        let output = child.standardError + child.standardOutput
                        if output.contains("Address already in use") { throw RedisServerError.portInUse(port) }
                        throw RedisServerError.exited(output)
                    }
                    let answer = try await CommandRun.run("/usr/bin/redis-cli", ["-p", String(port), "PING"]).standardOutput
                    return answer.contains("PONG")
                }
                self.port = port
                self.child = Mutex(child)
                return
            } catch RedisServerError.portInUse where attempt < 8 {
                attempt += 1
                candidate = FreePort.belowEphemeralRange()
            } catch {
                child.stop()
                throw error
            }
        }
    }

    /// `SENTINEL get-master-addr-by-name` through redis-cli: the master's port, or nil.
    public func masterPort(_ name: String) async throws -> Int? {
        let answer = try await CommandRun.run(
            "/usr/bin/redis-cli", ["-p", String(port), "SENTINEL", "get-master-addr-by-name", name]
        ).standardOutput
        let lines = answer.split(separator: "\n")
        return lines.count == 2 ? Int(lines[1]) : nil
    }

    /// One `SENTINEL` field of the master (`num-other-sentinels`, `num-slaves`, ...).
    public func masterField(_ name: String, _ field: String) async throws -> String? {
        let answer = try await CommandRun.run("/usr/bin/redis-cli", ["-p", String(port), "SENTINEL", "master", name]).standardOutput
        let lines = answer.split(separator: "\n").map(String.init)
        guard let index = lines.firstIndex(of: field), index + 1 < lines.count else { return nil }
        return lines[index + 1]
    }

    public func stop() {
        child.withLock { child in
            child?.stop()
            child = nil
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

extension RedisSentinel {
    /// Whether this Sentinel sees the replica on `port` of master `name` up, with its link to the master up:
    /// a replica it may promote.
    public func seesHealthyReplica(_ name: String, port: Int) async throws -> Bool {
        let answer = try await CommandRun.run("/usr/bin/redis-cli", ["-p", String(self.port), "SENTINEL", "replicas", name])
            .standardOutput
        let lines = answer.split(separator: "\n").map(String.init)
        var replicas: [[String: String]] = []
        var index = 0
        while index + 1 < lines.count {
            if lines[index] == "name" { replicas.append([:]) }
            if !replicas.isEmpty { replicas[replicas.count - 1][lines[index]] = lines[index + 1] }
            index += 2
        }
        return replicas.contains { $0["port"] == String(port) && $0["flags"] == "slave" && $0["master-link-status"] == "ok" }
    }
}
