/// The EventSources of one scale run, as one multi-document file for a single `kubectl apply`:
/// `scale-0000` … each with one redisStream entry on a stream of the same name.
struct ScaleManifest {
    static let namespace = "scale"
    static let eventName = "main"
    static let consumerGroup = "scale"

    let count: Int
    let redisPort: Int

    static func name(_ index: Int) -> String {
        let digits = String(index)
        return "scale-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Stream names equal EventSource names, so one list serves both.
    var streams: [String] { (0..<count).map(Self.name) }

    /// Applied before the clock starts: the namespace the EventSources go into.
    static var namespaceYAML: String {
        """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: \(namespace)

        """
    }

    var yaml: String {
        streams.map { name in
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata:
              name: \(name)
              namespace: \(Self.namespace)
            spec:
              redisStream:
                \(Self.eventName):
                  hostAddress: 127.0.0.1:\(redisPort)
                  consumerGroup: \(Self.consumerGroup)
                  streams:
                    - \(name)

            """
        }.joined(separator: "---\n")
    }
}
