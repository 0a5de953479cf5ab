import BenchSupport
import EventSourceAPI
import Glibc

/// Three redis-server masters in cluster mode, no replicas (the figure measures reading, not
/// replication), joined by `redis-cli --cluster create`, and the port serving each slot.
struct BenchCluster {
    let nodes: [RedisProcess]
    /// Slot ranges and the port of the master serving each, from `CLUSTER SLOTS`.
    let slots: [(range: ClosedRange<Int>, port: Int)]

    var ports: [Int] { nodes.map(\.port) }

    static func start(in directory: String, masters: Int = 3) throws(BenchError) -> BenchCluster {
        var nodes: [RedisProcess] = []
        do throws(BenchError) {
            for index in 0..<masters {
                nodes.append(try RedisProcess.start(in: directory, clusterNode: "cluster\(index)"))
            }
            let create = try SpawnedProcess(
                redisCLI, ["--cluster", "create"] + nodes.map { "127.0.0.1:\($0.port)" } + ["--cluster-replicas", "0", "--cluster-yes"],
                standardOutput: "\(directory)/cluster-create.out", standardError: "\(directory)/cluster-create.err")
            let start = MonotonicClock.now()
            while create.isRunning {
                guard MonotonicClock.seconds(since: start) < 60 else { throw BenchError.timeout("redis-cli --cluster create") }
                usleep(20_000)
            }
            guard create.terminationStatus == 0 else {
                throw BenchError.process("redis-cli --cluster create: \((try? TextFile.read("\(directory)/cluster-create.out")) ?? "")")
            }
            while true {
                var ready = true
                for node in nodes {
                    let info = try BenchRedis(port: node.port).command(["CLUSTER", "INFO"]).string ?? ""
                    if !info.contains("cluster_state:ok") { ready = false }
                }
                if ready { break }
                guard MonotonicClock.seconds(since: start) < 60 else { throw BenchError.timeout("the bench cluster to be ok") }
                usleep(50_000)
            }
            let reply = try BenchRedis(port: nodes[0].port).command(["CLUSTER", "SLOTS"])
            var slots: [(range: ClosedRange<Int>, port: Int)] = []
            for row in reply.array ?? [] {
                guard let items = row.array, items.count >= 3, let first = items[0].integer, let last = items[1].integer,
                    let port = items[2].array?[1].integer
                else { continue }
                slots.append((Int(first)...Int(last), Int(port)))
            }
            return BenchCluster(nodes: nodes, slots: slots)
        } catch {
            for node in nodes { node.stop() }
            throw error
        }
    }

    static var redisCLI: String { InstalledTool.redisServer.replacingOccurrences(of: "redis-server", with: "redis-cli") }

    func port(serving key: String) -> Int? {
        let slot = RedisHashSlot.slot(of: key)
        return slots.first { $0.range.contains(slot) }?.port
    }

    /// `count` stream names spread over every master: one on each, the rest on the first ones again.
    func streamsSpread(_ count: Int) -> [String] {
        var byPort: [Int: [String]] = [:]
        for index in 0..<2_000 {
            let name = "{c\(index)}.bench"
            guard let port = port(serving: name) else { continue }
            byPort[port, default: []].append(name)
        }
        var chosen: [String] = []
        var round = 0
        while chosen.count < count, round < 2_000 {
            for port in ports where chosen.count < count {
                if let names = byPort[port], round < names.count { chosen.append(names[round]) }
            }
            round += 1
        }
        return chosen
    }

    func stop() {
        for node in nodes { node.stop() }
    }
}
