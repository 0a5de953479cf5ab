import BenchSupport
import Glibc

/// The bench's own redis-server on loopback, without persistence, so the figures measure the
/// adapter rather than disk writes. redis-server cannot take a port the kernel picks (0 turns
/// TCP off), so the port is drawn at random below the ephemeral range, and another is tried
/// when the server reports it taken.
struct RedisProcess {
    let port: Int
    let process: SpawnedProcess

    /// `maxClients` nil keeps redis' default (10,000, less if the file limit is lower).
    /// `clusterNode` names a cluster node (its nodes.conf and logs), started in cluster mode.
    static func start(in directory: String, maxClients: Int? = nil, clusterNode: String? = nil) throws(BenchError) -> RedisProcess {
        var lastError = BenchError.process("redis-server did not start")
        for attempt in 1...10 {
            let port = Int.random(in: 12_000..<30_000)
            do {
                return try start(in: directory, port: port, maxClients: maxClients, clusterNode: clusterNode, attempt: attempt)
            } catch {
                lastError = error
                guard case .process(let message) = error, message.contains("Address already in use") else { throw error }
            }
        }
        throw lastError
    }

    private static func start(
        in directory: String, port: Int, maxClients: Int?, clusterNode: String?, attempt: Int
    ) throws(BenchError) -> RedisProcess {
        var arguments = [
            "--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no",
            "--protected-mode", "no", "--loglevel", "warning", "--daemonize", "no",
        ]
        if let maxClients { arguments += ["--maxclients", String(maxClients)] }
        if let clusterNode {
            // The cluster bus would default to port + 10000, which may fall in the ephemeral range
            // and be held by any client's connection; one below the server ports is drawn instead.
            arguments += [
                "--cluster-enabled", "yes", "--cluster-config-file", "nodes-\(clusterNode)-\(attempt).conf",
                "--cluster-port", String(Int.random(in: 2_000..<11_000)),
            ]
        }
        let name = clusterNode.map { "redis-\($0)-\(attempt)" } ?? "redis-\(attempt)"
        let output = "\(directory)/\(name).out"
        let process = try SpawnedProcess(
            InstalledTool.redisServer, arguments, standardOutput: output, standardError: "\(directory)/\(name).err")
        let start = MonotonicClock.now()
        while MonotonicClock.seconds(since: start) < 15 {
            guard process.isRunning else {
                throw .process("redis-server exited: \((try? TextFile.read(output)) ?? "")")
            }
            // INFO's process_id tells this server from another that might hold the port.
            if let info = try? BenchRedis(port: port, timeout: .seconds(2)).command(["INFO", "server"]).string,
                info.contains("process_id:\(process.pid)\r")
            {
                return RedisProcess(port: port, process: process)
            }
            usleep(20_000)
        }
        process.stop()
        throw .timeout("redis-server on port \(port) did not answer")
    }

    func stop() { process.stop() }
}
