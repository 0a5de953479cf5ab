import Foundation

/// A real Redis Cluster on 127.0.0.1: `masters` redis-servers in cluster mode with one replica
/// each, joined by `redis-cli --cluster create`. A node fails over after `cluster-node-timeout` 1 s.
public final class RedisClusterNodes: Sendable {
    public let nodes: [RedisServer]

    public struct Node: Sendable {
        public let id: String
        public let port: Int
        public let isMaster: Bool
        public let masterID: String?
        public let isFailed: Bool
    }

    public init(masters: Int = 3) async throws {
        var started: [RedisServer] = []
        do {
            for _ in 0..<(masters * 2) {
                // The bus port defaults to the port + 10000, which can land in the ephemeral range and
                // be taken by any client's connection; a free one below that range is chosen instead.
                started.append(
                    try await RedisServer(arguments: [
                        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", "1000",
                        "--cluster-port", String(FreePort.belowEphemeralRange()),
                    ]))
            }
            let create = try await CommandRun.run(
                "/usr/bin/redis-cli",
                ["--cluster", "create"] + started.map { "127.0.0.1:\($0.port)" } + ["--cluster-replicas", "1", "--cluster-yes"])
            guard create.standardOutput.contains("All 16384 slots covered") else {
                throw RedisServerError.exited("redis-cli --cluster create: \(create.standardOutput)\(create.standardError)")
            }
        } catch {
            for node in started { node.stop() }
            throw error
        }
        nodes = started
        try await waitUntil("the cluster ok on every node, every replica in sync", timeout: .seconds(120)) {
            for node in started {
                let info = try await Self.cli(node.port, ["CLUSTER", "INFO"])
                guard info.contains("cluster_state:ok") else { return false }
            }
            let described = try await self.describe()
            guard described.filter(\.isMaster).count == masters, described.count == masters * 2 else { return false }
            for replica in described where !replica.isMaster {
                guard try await Self.cli(replica.port, ["INFO", "replication"]).contains("master_link_status:up") else { return false }
            }
            return true
        }
    }

    public static func cli(_ port: Int, _ arguments: [String]) async throws -> String {
        try await CommandRun.run("/usr/bin/redis-cli", ["-p", String(port)] + arguments).standardOutput
    }

    /// `CLUSTER NODES` as seen by the first live node (a killed one answers nothing).
    public func describe() async throws -> [Node] {
        for node in nodes {
            let text = try await Self.cli(node.port, ["CLUSTER", "NODES"])
            let parsed = text.split(separator: "\n").compactMap { line -> Node? in
                let fields = line.split(separator: " ").map(String.init)
                guard fields.count >= 8, let colon = fields[1].firstIndex(of: ":") else { return nil }
                let portText = fields[1][fields[1].index(after: colon)...].prefix { $0.isNumber }
                guard let port = Int(portText) else { return nil }
                let flags = fields[2]
                return Node(
                    id: fields[0], port: port, isMaster: flags.contains("master"), masterID: fields[3] == "-" ? nil : fields[3],
                    isFailed: flags.contains("fail"))
            }
            if !parsed.isEmpty { return parsed }
        }
        return []
    }

    /// The port of the master serving `slot`, as the first live node sees it.
    public func ownerPort(ofSlot slot: Int) async throws -> Int? {
        for node in nodes {
            // A killed node answers nothing; ask the next.
            let text = try await Self.cli(node.port, ["CLUSTER", "NODES"])
            guard text.contains("myself") else { continue }
            for line in text.split(separator: "\n") {
                let fields = line.split(separator: " ").map(String.init)
                guard fields.count >= 9, fields[2].contains("master"), !fields[2].contains("fail") else { continue }
                for range in fields[8...] where !range.hasPrefix("[") {
                    let bounds = range.split(separator: "-").compactMap { Int($0) }
                    let covers = bounds.count == 2 ? (bounds[0]...bounds[1]).contains(slot) : bounds.first == slot
                    if covers, let colon = fields[1].firstIndex(of: ":"),
                        let port = Int(fields[1][fields[1].index(after: colon)...].prefix { $0.isNumber })
                    {
                        return port
                    }
                }
            }
            return nil
        }
        return nil
    }

    public func stop() {
        for node in nodes { node.stop() }
    }
}
