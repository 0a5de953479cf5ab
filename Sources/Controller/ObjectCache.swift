import KubeClient
import Reconciler
import StructuredData
import Synchronization

/// The controller's copy of the watched objects, fed by a watcher; reconciles read from it,
/// never from the API, so they are cheap and see one consistent view per object.
public actor ObjectCache {
    private var objects: [ObjectKey: JSONValue] = [:]
    private let synced = Atomic<Bool>(false)

    public init() {}

    /// Whether a full list has arrived; readable without awaiting the actor, e.g. by `/readyz`.
    public nonisolated var hasSynced: Bool { synced.load(ordering: .acquiring) }

    public func object(_ key: ObjectKey) -> JSONValue? { objects[key] }

    public var keys: [ObjectKey] { Array(objects.keys) }

    public var count: Int { objects.count }

    /// Applies one watcher update and returns the keys whose object appeared, changed or went away.
    public func apply(_ update: WatcherUpdate) -> [ObjectKey] {
        switch update {
        case .replaceAll(let items, _):
            var fresh: [ObjectKey: JSONValue] = [:]
            for item in items {
                if let key = Self.key(of: item) { fresh[key] = item }
            }
            var changed = fresh.filter { objects[$0.key] != $0.value }.map(\.key)
            changed += objects.keys.filter { fresh[$0] == nil }
            objects = fresh
            synced.store(true, ordering: .releasing)
            return changed
        case .added(let item), .modified(let item):
            guard let key = Self.key(of: item) else { return [] }
            objects[key] = item
            return [key]
        case .deleted(let item):
            guard let key = Self.key(of: item) else { return [] }
            objects[key] = nil
            return [key]
        }
    }

    static func key(of object: JSONValue) -> ObjectKey? {
        guard let name = object["metadata"]?["name"]?.stringValue else { return nil }
        return ObjectKey(namespace: object["metadata"]?["namespace"]?.stringValue ?? "", name: name)
    }
}
