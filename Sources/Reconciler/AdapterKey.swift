/// Names one adapter: one `redisStream` entry of one EventSource.
public struct AdapterKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String
    public var eventName: String

    public init(namespace: String, name: String, eventName: String) {
        self.namespace = namespace
        self.name = name
        self.eventName = eventName
    }

    public var objectKey: ObjectKey { ObjectKey(namespace: namespace, name: name) }
    public var description: String { "\(namespace)/\(name)/\(eventName)" }

    public static func < (lhs: AdapterKey, rhs: AdapterKey) -> Bool {
        (lhs.namespace, lhs.name, lhs.eventName) < (rhs.namespace, rhs.name, rhs.eventName)
    }
}

/// `namespace/name` of one EventSource: the work queue's key.
public struct ObjectKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    public var description: String { "\(namespace)/\(name)" }

    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}
