import Foundation
import StructuredData

/// Writes `events.k8s.io/v1` Events about objects, as `kubectl describe` shows them.
public struct EventRecorder: Sendable {
    public enum EventType: String, Sendable {
        case normal = "Normal"
        case warning = "Warning"
    }

    public let reportingController: String
    public let reportingInstance: String
    private let client: KubeClient

    public init(client: KubeClient, reportingController: String, reportingInstance: String) {
        self.client = client
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
    }

    /// Records one Event about `regarding` (any object with apiVersion, kind and metadata).
    /// `reason` is a short CamelCase word; `note` a sentence (cut at 1 kB as the API demands).
    @discardableResult
    public func record(
        regarding object: JSONValue, type: EventType, reason: String, action: String, note: String
    ) async throws(KubeError) -> JSONValue {
        let metadata = object["metadata"] ?? .object(JSONObject())
        let name = metadata["name"]?.stringValue ?? "unknown"
        let namespace = metadata["namespace"]?.stringValue ?? client.defaultNamespace
        var reference = JSONObject()
        for (key, value) in [
            ("apiVersion", object["apiVersion"]), ("kind", object["kind"]), ("name", metadata["name"]),
            ("namespace", metadata["namespace"]), ("uid", metadata["uid"]), ("resourceVersion", metadata["resourceVersion"]),
        ] {
            if let value { reference[key] = value }
        }
        let now = Date()
        // client-go's naming: the object's name and the time in hex nanoseconds, unique enough.
        let eventName = "\(name).\(String(UInt64(now.timeIntervalSince1970 * 1_000_000_000), radix: 16))"
        let event: JSONValue = [
            "apiVersion": "events.k8s.io/v1", "kind": "Event",
            "metadata": ["name": .string(eventName), "namespace": .string(namespace)],
            "eventTime": .string(KubeTime.microTime(now)),
            "reportingController": .string(reportingController), "reportingInstance": .string(reportingInstance),
            "action": .string(String(action.prefix(128))), "reason": .string(String(reason.prefix(128))),
            "regarding": .object(reference), "note": .string(Self.truncated(note, bytes: 1024)),
            "type": .string(type.rawValue),
        ]
        return try await client.create(.events, event, namespace: namespace)
    }

    private static func truncated(_ text: String, bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        for character in text {
            if result.utf8.count + character.utf8.count > limit - 3 { break }
            result.append(character)
        }
        return result + "..."
    }
}
