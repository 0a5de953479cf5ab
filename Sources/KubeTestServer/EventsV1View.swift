import StructuredData

/// `events.k8s.io/v1` Events are a view of core `v1` Events: the same objects, some fields renamed.
enum EventsV1View {
    /// (events.k8s.io/v1 name, core v1 name)
    private static let renames: [(String, String)] = [
        ("regarding", "involvedObject"), ("note", "message"), ("reportingController", "reportingComponent"),
        ("deprecatedSource", "source"), ("deprecatedFirstTimestamp", "firstTimestamp"),
        ("deprecatedLastTimestamp", "lastTimestamp"), ("deprecatedCount", "count"),
    ]

    static func toStorage(_ object: JSONValue) -> JSONValue {
        rename(object, from: \.0, to: \.1, apiVersion: "v1")
    }

    static func fromStorage(_ object: JSONValue) -> JSONValue {
        rename(object, from: \.1, to: \.0, apiVersion: "events.k8s.io/v1")
    }

    private static func rename(
        _ object: JSONValue, from: KeyPath<(String, String), String>, to: KeyPath<(String, String), String>,
        apiVersion: String
    ) -> JSONValue {
        guard let source = object.objectValue else { return object }
        var result = JSONObject()
        for (key, value) in source {
            if key == "apiVersion" {
                result[key] = .string(apiVersion)
            } else if let pair = renames.first(where: { $0[keyPath: from] == key }) {
                result[pair[keyPath: to]] = value
            } else {
                result[key] = value
            }
        }
        return .object(result)
    }
}
