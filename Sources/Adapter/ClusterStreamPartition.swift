import EventSourceAPI

/// How one cluster entry's streams are split into reads. Redis Cluster refuses a command whose
/// keys hash to different slots (`CROSSSLOT`) even when one node serves them all, so one
/// XREADGROUP carries the streams of one slot: streams sharing a hash tag travel together,
/// others each have their own read and connection, on the node that serves their slot.
///
/// The grouping depends on the names alone; the node each group is read from depends on the
/// cluster's current slot map, and changes with a migration or a failover.
struct ClusterStreamPartition: Equatable, Sendable {
    struct Group: Equatable, Sendable {
        let slot: Int
        /// In the order the entry lists them.
        let streams: [String]
    }

    /// In the order of each slot's first stream in the entry.
    let groups: [Group]

    init(streams: [String]) {
        var order: [Int] = []
        var bySlot: [Int: [String]] = [:]
        for stream in streams {
            let slot = RedisHashSlot.slot(of: stream)
            if bySlot[slot] == nil { order.append(slot) }
            if bySlot[slot]?.contains(stream) != true { bySlot[slot, default: []].append(stream) }
        }
        groups = order.map { Group(slot: $0, streams: bySlot[$0]!) }
    }

    /// The node serving each group's slot under `map`; a slot no node serves (a cluster being set up) is left out.
    func nodes(in map: ClusterSlotMap) -> [Int: HostAddress] {
        var nodes: [Int: HostAddress] = [:]
        for group in groups {
            if let owner = map.owner(ofSlot: group.slot) { nodes[group.slot] = owner }
        }
        return nodes
    }

    /// The groups each node serves under `map`, for status and logs: several slots may share a node.
    func groupsByNode(in map: ClusterSlotMap) -> [HostAddress: [Group]] {
        var byNode: [HostAddress: [Group]] = [:]
        for group in groups {
            guard let owner = map.owner(ofSlot: group.slot) else { continue }
            byNode[owner, default: []].append(group)
        }
        return byNode
    }
}
