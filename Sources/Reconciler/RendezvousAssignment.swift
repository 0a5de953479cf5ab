/// Which live replicas own an EventSource under `--shard-by lease`: highest random weight
/// (rendezvous) hashing of `namespace/name` against each replica's name, the top `k` winning.
/// Every replica that sees the same set of live replicas computes the same owners without
/// talking to the others, and when one replica joins or leaves only the EventSources it wins or
/// held move (about 1/n of them), never a reshuffle of the rest.
public struct RendezvousAssignment: Sendable, Equatable {
    /// The live replicas, sorted, without duplicates.
    public let replicas: [String]
    /// How many replicas own each EventSource (`--replicas-per-source`); more than live means all.
    public let replicasPerSource: Int

    public init(replicas: some Sequence<String>, replicasPerSource: Int) {
        self.replicas = Array(Set(replicas)).sorted()
        self.replicasPerSource = max(1, replicasPerSource)
    }

    /// True when fewer replicas live than each EventSource should run on: every one runs on all.
    public var isShortOfReplicas: Bool { replicas.count < replicasPerSource }

    /// The owners of one EventSource, highest weight first: the first of them writes its status.
    public func owners(of key: ObjectKey) -> [String] {
        let item = "\(key.namespace)/\(key.name)"
        let ranked = replicas.map { (replica: $0, weight: Self.weight(replica: $0, item: item)) }
            .sorted { $0.weight != $1.weight ? $0.weight > $1.weight : $0.replica < $1.replica }
        return ranked.prefix(replicasPerSource).map(\.replica)
    }

    public func owns(_ replica: String, _ key: ObjectKey) -> Bool { owners(of: key).contains(replica) }

    /// FNV-1a over `replica NUL item`, then SplitMix64's finaliser so that names differing in one
    /// character still get unrelated weights. Stable across processes, builds and platforms
    /// (unlike `Hasher`, which is seeded per process), as every replica must agree.
    static func weight(replica: String, item: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in replica.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ 0) &* 0x0000_0100_0000_01b3
        for byte in item.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        hash = (hash ^ (hash >> 30)) &* 0xbf58_476d_1ce4_e5b9
        hash = (hash ^ (hash >> 27)) &* 0x94d0_49bb_1331_11eb
        return hash ^ (hash >> 31)
    }
}
