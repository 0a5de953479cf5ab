/// The redis-server's view of the bench: open client connections (one per adapter, plus the
/// bench's own) and commands processed, from `INFO`.
struct ScaleRedisInfo {
    let connectedClients: Int
    let commandsProcessed: Int
    let maxClients: Int
    let takenAt: UInt64

    static func read(port: Int) throws(BenchError) -> ScaleRedisInfo {
        let connection = try BenchRedis(port: port)
        let info = try connection.command(["INFO"]).string ?? ""
        let maxClients = try connection.command(["CONFIG", "GET", "maxclients"]).array?.last?.string
        func field(_ name: String) -> Int? {
            info.split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.dropFirst(name.count + 1)) }
        }
        guard let clients = field("connected_clients"), let commands = field("total_commands_processed"),
            let maxClients = maxClients.flatMap(Int.init)
        else { throw .redis("INFO lacks connected_clients or total_commands_processed") }
        // Not counting this connection itself.
        return ScaleRedisInfo(
            connectedClients: clients - 1, commandsProcessed: commands, maxClients: maxClients, takenAt: MonotonicClock.now())
    }

    /// Commands per second between two readings, less the INFO/CONFIG pair each reading sends.
    func commandsPerSecond(since earlier: ScaleRedisInfo) -> Double {
        let wall = Double(takenAt &- earlier.takenAt) / 1e9
        return wall > 0 ? Double(commandsProcessed - earlier.commandsProcessed - 2) / wall : 0
    }
}
