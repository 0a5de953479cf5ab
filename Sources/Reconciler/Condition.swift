import StructuredData

/// A Kubernetes-style status condition, as Argo's EventSource status carries them.
public struct Condition: Sendable, Equatable {
    public static let sourcesProvided = "SourcesProvided"
    public static let deployed = "Deployed"
    public static let ready = "Ready"

    public var type: String
    public var status: Bool
    public var reason: String
    public var message: String
    public var lastTransitionTime: String

    public init(type: String, status: Bool, reason: String, message: String, lastTransitionTime: String) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }

    public var json: JSONValue {
        .object(
            JSONObject([
                ("type", .string(type)), ("status", .string(status ? "True" : "False")),
                ("lastTransitionTime", .string(lastTransitionTime)), ("reason", .string(reason)),
                ("message", .string(message)),
            ]))
    }

    /// Reads conditions back from a status, to carry their transition times forward.
    public static func list(from status: JSONValue?) -> [Condition] {
        (status?["conditions"]?.arrayValue ?? []).compactMap { item in
            guard let type = item["type"]?.stringValue, let flag = item["status"]?.stringValue else { return nil }
            return Condition(
                type: type, status: flag == "True", reason: item["reason"]?.stringValue ?? "",
                message: item["message"]?.stringValue ?? "", lastTransitionTime: item["lastTransitionTime"]?.stringValue ?? "")
        }
    }

    /// `lastTransitionTime` moves only when the condition's status flips; a new reason or
    /// message alone is not a transition.
    public func carryingTransitionTime(from previous: [Condition]) -> Condition {
        guard let old = previous.first(where: { $0.type == type }), old.status == status, !old.lastTransitionTime.isEmpty
        else { return self }
        var kept = self
        kept.lastTransitionTime = old.lastTransitionTime
        return kept
    }
}
