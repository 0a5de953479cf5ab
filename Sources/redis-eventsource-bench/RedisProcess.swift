import Glibc
import TestSupport

/// The bench's own redis-server on a free loopback port, without persistence, so the figures
/// measure the adapter rather than disk writes.
struct RedisProcess {
    let port: Int
    let process: SpawnedProcess

    static func start(in directory: String) throws(BenchError) -> RedisProcess {
        // Below the ephemeral range, where no outgoing connection's source port can take it.
        let port = FreePort.belowEphemeralRange()
        let process = try SpawnedProcess(
            RedisServer.executable,
            [
                "--port", String(port), "--bind", "127.0.0.1", "--dir", directory, "--save", "", "--appendonly", "no",
                "--protected-mode", "no", "--loglevel", "warning", "--daemonize", "no",
            ],
            standardOutput: "\(directory)/redis.out", standardError: "\(directory)/redis.err")
        let start = MonotonicClock.now()
        while MonotonicClock.seconds(since: start) < 15 {
            guard process.isRunning else {
                throw .process("redis-server exited: \((try? TextFile.read("\(directory)/redis.out")) ?? "")")
            }
            if let connection = try? HiredisConnection(port: port), (try? connection.command(["PING"])) == .status("PONG") {
                return RedisProcess(port: port, process: process)
            }
            usleep(20_000)
        }
        process.stop()
        throw .timeout("redis-server on port \(port) did not answer PING")
    }

    func stop() { process.stop() }
}
