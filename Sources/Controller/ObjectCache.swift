import EventSourceAPI
import KubeClient
import Reconciler
import StructuredData
import Synchronization

/// The controller's copy of the watched objects, fed by a watcher; reconciles read from it,
/// never from the API, so they are cheap and see one consistent view per object.
///
/// It holds every kind the controller watches, each object under a key that names its kind.
public actor ObjectCache {
    private var objects: [ObjectKey: JSONValue] = [:]
    private let watched: Set<SourceKind>
    private let listed = Mutex<Set<SourceKind>>([])

    public init(watching kinds: Set<SourceKind> = [.eventSource]) {
        watched = kinds
    }

    /// Whether a full list of every watched kind has arrived; readable without awaiting the actor, e.g. by `/readyz`.
    public nonisolated var hasSynced: Bool { listed.withLock { $0.isSuperset(of: watched) } }

    public func object(_ key: ObjectKey) -> JSONValue? { objects[key] }

    public var keys: [ObjectKey] { Array(objects.keys) }

    public var count: Int { objects.count }

    /// Applies one update of the watcher of `kind` and returns the keys whose object appeared, changed or went away.
    public func apply(_ update: WatcherUpdate, kind: SourceKind = .eventSource) -> [ObjectKey] {
        switch update {
        case .replaceAll(let items, _):
            var fresh: [ObjectKey: JSONValue] = [:]
            for item in items {
                if let key = Self.key(of: item, kind: kind) { fresh[key] = item }
            }
            // A relist replaces only its own kind's objects.
            let previous = objects.filter { $0.key.kind == kind }
            var changed = fresh.filter { previous[$0.key] != $0.value }.map(\.key)
            changed += previous.keys.filter { fresh[$0] == nil }
            objects = objects.filter { $0.key.kind != kind }.merging(fresh) { $1 }
            listed.withLock { _ = $0.insert(kind) }
            return changed
        case .added(let item), .modified(let item):
            guard let key = Self.key(of: item, kind: kind) else { return [] }
            objects[key] = item
            return [key]
        case .deleted(let item):
            guard let key = Self.key(of: item, kind: kind) else { return [] }
            objects[key] = nil
            return [key]
        }
    }

    static func key(of object: JSONValue, kind: SourceKind) -> ObjectKey? {
        guard let name = object["metadata"]?["name"]?.stringValue else { return nil }
        return ObjectKey(kind: kind, namespace: object["metadata"]?["namespace"]?.stringValue ?? "", name: name)
    }
}
