/// The EventSource file the product runs in each phase: one redisStream entry on one stream (or,
/// with `clusterPorts`, on a Redis Cluster over `stream` and `moreStreams`), reading 100 entries
/// per XREADGROUP like the raw loop it is compared with.
struct BenchManifest {
    let namespace = "bench"
    let eventSourceName = "bench"
    let eventName = "bench"
    let redisPort: Int
    let stream: String
    let group: String
    let count: Int
    /// Seed nodes: the entry reaches a cluster through them instead of `hostAddress`.
    var clusterPorts: [Int] = []
    var moreStreams: [String] = []

    private var endpoint: String {
        guard !clusterPorts.isEmpty else { return "hostAddress: 127.0.0.1:\(redisPort)" }
        return "cluster: {addresses: [\(clusterPorts.map { "\"127.0.0.1:\($0)\"" }.joined(separator: ", "))]}"
    }

    var yaml: String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata:
          name: \(eventSourceName)
          namespace: \(namespace)
        spec:
          redisStream:
            \(eventName):
              \(endpoint)
              maxMsgCountPerRead: \(count)
              consumerGroup: \(group)
              streams: [\(([stream] + moreStreams).map { "\"\($0)\"" }.joined(separator: ", "))]

        """
    }
}
