import AdapterModel
import EventSourceAPI
import NIOCore

/// Finds the master serving a hash slot by asking seed nodes, in order, for `CLUSTER SLOTS`. Asked
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
                let reply = try await pipe.command(["CLUSTER", "SLOTS"], timeout: timeout)
                if let owner = Self.owner(of: slot, in: reply, seed: seed) { return owner }
                uncovered = true
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
        if uncovered { throw .connectFailed("cluster: no node serves slot \(slot) yet (is the cluster still being set up?)") }
        throw .connectFailed("cluster.addresses: no seed node answered (\(failures.joined(separator: "; ")))")
    }

    /// `CLUSTER SLOTS` rows are `[first, last, [host, port, id, …], replicas…]`; an empty or `?` host
    /// means "the address you reached me at".
    static func owner(of slot: Int, in reply: RESPValue, seed: HostAddress) -> HostAddress? {
        for row in reply.array ?? [] {
            guard let items = row.array, items.count >= 3, let first = items[0].integer, let last = items[1].integer,
                (first...last).contains(Int64(slot)), let master = items[2].array, master.count >= 2,
                let port = master[1].integer, (1...65535).contains(port)
            else { continue }
            let host = master[0].string ?? ""
            return HostAddress(host: host.isEmpty || host == "?" ? seed.host : host, port: Int(port))
        }
        return nil
    }
}
