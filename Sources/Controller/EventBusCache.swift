import EventSourceAPI
import KubeClient
import Reconciler
import StructuredData

/// EventBus objects the controller watches, plus which EventSources published through which bus
/// (or waited for it) at their last reconcile, so creating, changing or deleting a bus requeues
/// exactly those EventSources.
public actor EventBusCache {
    public struct Reference: Hashable, Sendable {
        public var namespace: String
        public var name: String
    }

    private var objects: [Reference: JSONValue] = [:]
    private var readers: [Reference: Set<ObjectKey>] = [:]

    public init() {}

    /// The bus as last seen, decoded; nil when there is none of that name.
    public func lookup(namespace: String, name: String) -> EventBusLookup? {
        guard let object = objects[Reference(namespace: namespace, name: name)] else { return nil }
        switch EventBus.decode(object, defaultNamespace: namespace) {
        case .success(let bus): return .found(bus)
        case .failure(let error): return .invalid(name: name, error)
        }
    }

    /// Records the bus one EventSource depends on (nil: none, as with a spec.sink).
    public func recordReference(of object: ObjectKey, to bus: String?) {
        for (reference, var keys) in readers where keys.contains(object) && reference.name != bus {
            keys.remove(object)
            readers[reference] = keys.isEmpty ? nil : keys
        }
        if let bus { readers[Reference(namespace: object.namespace, name: bus), default: []].insert(object) }
    }

    public func forget(_ object: ObjectKey) { recordReference(of: object, to: nil) }

    /// Applies a watcher update; returns the EventSources whose bus appeared, changed or went.
    public func apply(_ update: WatcherUpdate) -> Set<ObjectKey> {
        var changed: [Reference] = []
        switch update {
        case .replaceAll(let items, _):
            var fresh: [Reference: JSONValue] = [:]
            for item in items {
                if let reference = Self.reference(of: item) { fresh[reference] = Self.relevant(item) }
            }
            for (reference, value) in fresh where objects[reference] != value { changed.append(reference) }
            for reference in objects.keys where fresh[reference] == nil { changed.append(reference) }
            objects = fresh
        case .added(let item), .modified(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            let value = Self.relevant(item)
            if objects[reference] != value {
                objects[reference] = value
                changed.append(reference)
            }
        case .deleted(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            objects[reference] = nil
            changed.append(reference)
        }
        return changed.reduce(into: Set<ObjectKey>()) { $0.formUnion(readers[$1] ?? []) }
    }

    private static func reference(of item: JSONValue) -> Reference? {
        guard let name = item["metadata"]?["name"]?.stringValue else { return nil }
        return Reference(namespace: item["metadata"]?["namespace"]?.stringValue ?? "", name: name)
    }

    /// Only what decides how to publish, so a status heartbeat from Argo's controller restarts nothing.
    private static func relevant(_ item: JSONValue) -> JSONValue {
        var object = JSONObject()
        object["metadata"] = .object(
            JSONObject([("name", item["metadata"]?["name"] ?? .null), ("namespace", item["metadata"]?["namespace"] ?? .null)]))
        object["spec"] = item["spec"] ?? .null
        object["status"] = .object(JSONObject([("config", item["status"]?["config"] ?? .null)]))
        return .object(object)
    }
}
