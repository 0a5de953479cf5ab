import AdapterModel

/// Finds entries that read one stream through one consumer group of one Redis: Redis then splits
/// the stream's entries between them, each entry going to only one. Argo behaves the same way,
/// silently; we keep the semantics but say so on both sides.
public enum GroupSharing {
    struct Place: Hashable, Sendable {
        var server: String
        var db: Int
        var stream: String
        var group: String
    }

    /// For each entry that shares, one line naming the group, the streams and the other entries.
    public static func notes(_ configurations: [AdapterConfiguration]) -> [AdapterKey: String] {
        var index = GroupSharingIndex()
        for configuration in configurations { index.insert(configuration) }
        return index.notes
    }

    /// The places one entry reads.
    static func places(of configuration: AdapterConfiguration) -> [Place] {
        let source = configuration.source
        return source.streams.map { stream in
            Place(server: source.endpoint.identity, db: source.db, stream: stream, group: source.consumerGroup)
        }
    }

    /// The notes for the places read by more than one entry.
    static func notes(shared readers: [(Place, Set<AdapterKey>)]) -> [AdapterKey: String] {
        var shared: [AdapterKey: (group: String, streams: Set<String>, others: Set<AdapterKey>)] = [:]
        for (place, keys) in readers where keys.count > 1 {
            for key in keys {
                var entry = shared[key] ?? (place.group, [], [])
                entry.streams.insert(place.stream)
                entry.others.formUnion(keys.subtracting([key]))
                shared[key] = entry
            }
        }
        return shared.mapValues { entry in
            let streams = entry.streams.sorted().joined(separator: ", ")
            let others = entry.others.sorted().map(\.description).joined(separator: ", ")
            return "consumer group \(entry.group) on \(streams) is also read by \(others): "
                + "Redis splits the entries between them, each going to only one"
        }
    }
}
