import EventSourceAPI

/// Names one adapter: one `redisStream` entry of one EventSource or RedisStreamSource.
public struct AdapterKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// An EventSource and a RedisStreamSource of one name are two objects, with adapters of their own.
    public var kind: SourceKind
    public var namespace: String
    public var name: String
    public var eventName: String

    public init(kind: SourceKind = .eventSource, namespace: String, name: String, eventName: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.eventName = eventName
    }

    public var objectKey: ObjectKey { ObjectKey(kind: kind, namespace: namespace, name: name) }
    /// `namespace/name/event` for an EventSource, as before there were two kinds; the other kind says so.
    public var description: String { "\(objectKey)/\(eventName)" }

    public static func < (lhs: AdapterKey, rhs: AdapterKey) -> Bool {
        (lhs.namespace, lhs.name, lhs.eventName, lhs.kind) < (rhs.namespace, rhs.name, rhs.eventName, rhs.kind)
    }
}

/// `namespace/name` of one EventSource or RedisStreamSource: the work queue's key.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var kind: SourceKind
    public var namespace: String
    public var name: String

    public init(kind: SourceKind = .eventSource, namespace: String, name: String) {
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var description: String {
        kind == .eventSource ? "\(namespace)/\(name)" : "\(kind.plural)/\(namespace)/\(name)"
    }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name, lhs.kind) < (rhs.namespace, rhs.name, rhs.kind)
    }
}
