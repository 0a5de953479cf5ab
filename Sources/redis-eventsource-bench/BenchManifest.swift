/// The EventSource file the product runs in each phase: one redisStream entry on one stream,
/// reading 100 entries per XREADGROUP like the raw loop it is compared with.
struct BenchManifest {
    let namespace = "bench"
    let eventSourceName = "bench"
    let eventName = "bench"
    let redisPort: Int
    let stream: String
    let group: String
    let count: Int

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
              hostAddress: 127.0.0.1:\(redisPort)
              maxMsgCountPerRead: \(count)
              consumerGroup: \(group)
              streams:
                - \(stream)

        """
    }
}
