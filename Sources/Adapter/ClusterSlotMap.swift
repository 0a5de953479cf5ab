import EventSourceAPI

/// Which master serves which hash slots, as one `CLUSTER SLOTS` reply described the cluster.
/// A value: the adapter asks for a fresh one on every connect, on a redirect or a lost
/// connection, and periodically (`ClusterReadCoordinator`).
struct ClusterSlotMap: Equatable, Sendable {
    struct Range: Equatable, Sendable {
        let slots: ClosedRange<Int>
        let master: HostAddress
    }

    let ranges: [Range]

    init(ranges: [Range]) {
        self.ranges = ranges
    }

    /// `CLUSTER SLOTS` rows are `[first, last, [host, port, id, …], replicas…]`; an empty or `?` host
    /// means "the address you reached me at", so `seed` stands in for it.
    init(reply: RESPValue, seed: HostAddress) {
        var ranges: [Range] = []
        for row in reply.array ?? [] {
            guard let items = row.array, items.count >= 3, let first = items[0].integer, let last = items[1].integer,
                first <= last, let master = items[2].array, master.count >= 2,
                let port = master[1].integer, (1...65535).contains(port)
            else { continue }
            let host = master[0].string ?? ""
            ranges.append(
                Range(
                    slots: Int(first)...Int(last),
                    master: HostAddress(host: host.isEmpty || host == "?" ? seed.host : host, port: Int(port))))
        }
        self.ranges = ranges
    }

    func owner(ofSlot slot: Int) -> HostAddress? {
        ranges.first { $0.slots.contains(slot) }?.master
    }

    func owner(ofKey key: String) -> HostAddress? {
        owner(ofSlot: RedisHashSlot.slot(of: key))
    }
}
