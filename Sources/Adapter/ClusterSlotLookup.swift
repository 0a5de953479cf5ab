import AdapterModel
import EventSourceAPI
import NIOCore

/// Finds which master serves which slot by asking seed nodes, in order, for `CLUSTER SLOTS`. Asked
/// on every connect: after a MOVED or ASK reply, a failover or any error the adapter reconnects and
/// so reaches the slot's new owner. Failures name `cluster.addresses` when a seed is not in cluster
/// mode (a standalone server given as a cluster) or none answers.
struct ClusterSlotLookup {
    let seeds: [HostAddress]
    let username: String?
    let password: SecretValue?
    let tls: TLSMaterial?
    let timeout: Duration

    func owner(ofSlot slot: Int, on loop: EventLoop, isolation: isolated (any Actor)? = #isolation) async throws(RedisError) -> HostAddress {
        try await map(on: loop, covering: slot).owner(ofSlot: slot)!
    }

    /// The first seed's answer that serves `slot` (any answer when nil).
    func map(
        on loop: EventLoop, covering slot: Int? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> ClusterSlotMap {
        var failures: [String] = []
        var standalone: [String] = []
        var uncovered = false
        for seed in seeds {
            let connector = RedisConnector(
                target: RedisTarget(topology: .server(.tcp(seed)), username: username, password: password, tls: tls),
                connectTimeout: timeout, commandTimeout: timeout)
            do throws(RedisError) {
                let pipe = try await connector.open(on: loop)
                defer { pipe.close() }
                let map = ClusterSlotMap(reply: try await pipe.command(["CLUSTER", "SLOTS"], timeout: timeout), seed: seed)
                if let slot, map.owner(ofSlot: slot) == nil {
                    uncovered = true
                    continue
                }
                if slot == nil, map.ranges.isEmpty {
                    uncovered = true
                    continue
                }
                return map
            } catch .server(_, let message) where message.contains("cluster support disabled") {
                standalone.append(seed.description)
            } catch {
                failures.append("\(seed): \(error)")
            }
        }
        if !standalone.isEmpty {
            throw .connectFailed(
                "cluster.addresses: \(standalone.joined(separator: ", ")) not in cluster mode (cluster support disabled); "
                    + "a standalone server belongs in hostAddress")
        }
        if uncovered {
            throw .connectFailed("cluster: no node serves slot \(slot.map(String.init) ?? "any") yet (is the cluster still being set up?)")
        }
        throw .connectFailed("cluster.addresses: no seed node answered (\(failures.joined(separator: "; ")))")
    }
}
