import StructuredData

/// Identifies an object within a resource; cluster-scoped objects have an empty namespace.
struct ObjectKey: Hashable, Comparable, Sendable {
    let namespace: String
    let name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

enum ChangeType: String, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
}

/// One change to one object, kept so that watches can resume from any version still in the window.
struct Change: Sendable {
    let resourceVersion: Int64
    let storage: StorageKey
    let type: ChangeType
    let object: JSONValue
    /// The object before the change, so a watch with a selector can tell an object leaving its selection.
    let previous: JSONValue?
}

/// Everything the server knows, changed only inside `ObjectStore.transaction`.
struct StoreState: Sendable {
    var catalog = ResourceCatalog()
    private(set) var resourceVersion: Int64 = 0
    private var objects: [StorageKey: [ObjectKey: JSONValue]] = [:]
    private var history: [Change] = []
    private var historyStart = 0
    /// Watches from versions below this are answered with 410 Expired: their changes are forgotten.
    private(set) var compactedThrough: Int64 = 0
    var historyLimit: Int
    private var subscribers: [Int: WatchSubscriber] = [:]
    private var nextSubscriberID = 0

    init(historyLimit: Int) {
        self.historyLimit = historyLimit
    }

    // MARK: reading

    func object(_ storage: StorageKey, _ key: ObjectKey) -> JSONValue? {
        objects[storage]?[key]
    }

    /// Objects sorted by namespace and name, which is also the order pages follow.
    func objects(_ storage: StorageKey, namespace: String?) -> [(key: ObjectKey, object: JSONValue)] {
        guard let all = objects[storage] else { return [] }
        return all.filter { namespace == nil || $0.key.namespace == namespace }
            .sorted { $0.key < $1.key }
            .map { ($0.key, $0.value) }
    }

    func count(_ storage: StorageKey) -> Int { objects[storage]?.count ?? 0 }

    // MARK: writing

    /// Stores a new or changed object under a fresh resourceVersion and tells the watches.
    @discardableResult
    mutating func store(_ storage: StorageKey, _ key: ObjectKey, _ object: JSONValue) -> JSONValue {
        resourceVersion += 1
        var stored = object
        stored["metadata"]?["resourceVersion"] = .string(String(resourceVersion))
        let previous = objects[storage]?[key]
        objects[storage, default: [:]][key] = stored
        record(Change(
            resourceVersion: resourceVersion, storage: storage, type: previous == nil ? .added : .modified,
            object: stored, previous: previous))
        return stored
    }

    /// Removes an object; the DELETED event carries a fresh resourceVersion, as etcd's delete revision does.
    @discardableResult
    mutating func remove(_ storage: StorageKey, _ key: ObjectKey) -> JSONValue? {
        guard var object = objects[storage]?.removeValue(forKey: key) else { return nil }
        resourceVersion += 1
        object["metadata"]?["resourceVersion"] = .string(String(resourceVersion))
        record(Change(resourceVersion: resourceVersion, storage: storage, type: .deleted, object: object, previous: object))
        return object
    }

    private mutating func record(_ change: Change) {
        history.append(change)
        while history.count - historyStart > historyLimit {
            compactedThrough = history[historyStart].resourceVersion
            historyStart += 1
        }
        if historyStart > 4096 && historyStart * 2 > history.count {
            history.removeFirst(historyStart)
            historyStart = 0
        }
        for subscriber in subscribers.values where subscriber.storage == change.storage {
            subscriber.receive(change)
        }
    }

    /// Forgets all history, so any watch or continue token from an older version gets 410.
    mutating func compact() {
        compactedThrough = resourceVersion
        history.removeAll()
        historyStart = 0
    }

    // MARK: watching

    /// The changes after `version` for a resource, or 410 when they are no longer known.
    func changes(after version: Int64, storage: StorageKey) throws(APIError) -> [Change] {
        guard version >= compactedThrough else {
            throw .expired("too old resource version: \(version) (\(compactedThrough + 1))")
        }
        return history[historyStart...].filter { $0.resourceVersion > version && $0.storage == storage }
    }

    mutating func subscribe(_ make: (Int) -> WatchSubscriber) -> WatchSubscriber {
        nextSubscriberID += 1
        let subscriber = make(nextSubscriberID)
        subscribers[subscriber.id] = subscriber
        return subscriber
    }

    var subscriberCount: Int { subscribers.count }

    mutating func unsubscribe(_ id: Int) {
        subscribers[id] = nil
    }

    /// Ends every watch on a resource, as happens when its CRD goes away.
    /// Ends every open watch, as a restarting API server does; clients re-watch from where they were.
    mutating func endAllWatches() {
        for subscriber in subscribers.values { subscriber.end() }
        subscribers.removeAll()
    }

    mutating func endWatches(_ storage: StorageKey) {
        for (id, subscriber) in subscribers where subscriber.storage == storage {
            subscriber.end()
            subscribers[id] = nil
        }
    }
}

extension StoreState {
    var storageKeys: [StorageKey] { Array(objects.keys) }

    /// Removes every object of a resource, each with its DELETED event.
    mutating func removeAll(_ storage: StorageKey, namespace: String? = nil) {
        for (key, _) in objects(storage, namespace: namespace) { remove(storage, key) }
    }
}
