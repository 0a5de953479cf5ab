import StructuredData

/// The two kinds of resource that hold `redisStream` entries: Argo Events' own `EventSource`, and
/// `RedisStreamSource`, the same spec restricted to what we run, in an API group of our own.
///
/// The group is `redis-eventsource.io`, named after the project, not `argoproj.io`: Argo's controller,
/// installed cluster-wide, takes every `argoproj.io` EventSource it sees and has no switch to skip one,
/// so only a kind outside Argo's group can live beside it without both controllers consuming it.
/// A domain-style name keeps the CRD's `<plural>.<group>` unique among other products' CRDs.
public enum SourceKind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case eventSource
    case redisStreamSource

    public var group: String {
        switch self {
        case .eventSource: return "argoproj.io"
        case .redisStreamSource: return "redis-eventsource.io"
        }
    }

    public var version: String { "v1alpha1" }
    public var apiVersion: String { "\(group)/\(version)" }

    public var kind: String {
        switch self {
        case .eventSource: return "EventSource"
        case .redisStreamSource: return "RedisStreamSource"
        }
    }

    public var plural: String {
        switch self {
        case .eventSource: return "eventsources"
        case .redisStreamSource: return "redisstreamsources"
        }
    }

    public var description: String { kind }

    /// The kind an object claims by its `kind` field alone; its apiVersion is checked when it is decoded.
    public init?(kindOf object: JSONValue) {
        guard let kind = object["kind"]?.stringValue, let match = Self.allCases.first(where: { $0.kind == kind }) else {
            return nil
        }
        self = match
    }

    public static func < (lhs: SourceKind, rhs: SourceKind) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
