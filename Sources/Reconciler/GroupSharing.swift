import AdapterModel

/// Finds entries that read one stream through one consumer group of one Redis: Redis then splits
/// the stream's entries between them, each entry going to only one. Argo behaves the same way,
/// silently; we keep the semantics but say so on both sides.
public enum GroupSharing {
    private struct Place: Hashable {
        var server: String
        var db: Int
        var stream: String
        var group: String
    }

    /// For each entry that shares, one line naming the group, the streams and the other entries.
    public static func notes(_ configurations: [AdapterConfiguration]) -> [AdapterKey: String] {
        var readers: [Place: Set<AdapterKey>] = [:]
        for configuration in configurations {
            let source = configuration.source
            for stream in source.streams {
                let place = Place(
                    server: source.endpoint.identity, db: source.db, stream: stream,
                    group: source.consumerGroup)
                readers[place, default: []].insert(configuration.adapterKey)
            }
        }
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
