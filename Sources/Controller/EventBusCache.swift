import EventSourceAPI
import KubeClient
import Reconciler
import StructuredData
import Synchronization

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
    /// Whether the buses are known: the first full list arrived, or listing is refused for good
    /// (no EventBus CRD, no RBAC rule), so there are none to know. Before that, "no such bus" is
    /// not yet true, and an EventSource that needs one is not judged (no false `NoSink`).
    private let settled = Atomic<Bool>(false)

    public init() {}

    public nonisolated var hasSynced: Bool { settled.load(ordering: .acquiring) }

    /// A list refused as lasting (404: Argo's CRD is not installed; 401, 403): there are no buses
    /// to wait for. Called from the watcher's report, which cannot wait.
    public nonisolated func listRefused(_ failure: WatchFailure) {
        guard failure.request == .list else { return }
        switch failure.reason {
        case .notFound, .forbidden, .unauthorized: settled.store(true, ordering: .releasing)
        default: break
        }
    }

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
            let firstList = !settled.exchange(true, ordering: .acquiringAndReleasing)
            var fresh: [Reference: JSONValue] = [:]
            for item in items {
                if let reference = Self.reference(of: item) { fresh[reference] = Self.relevant(item) }
            }
            for (reference, value) in fresh where objects[reference] != value { changed.append(reference) }
            for reference in objects.keys where fresh[reference] == nil { changed.append(reference) }
            objects = fresh
            // Everything that waited for the first list is judged now, found or not.
            if firstList { return readers.values.reduce(into: Set<ObjectKey>()) { $0.formUnion($1) } }
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
        let annotation = item["metadata"]?["annotations"]?[EventBus.caCertSecretAnnotation] ?? .null
        object["metadata"] = .object(
            JSONObject([
                ("name", item["metadata"]?["name"] ?? .null), ("namespace", item["metadata"]?["namespace"] ?? .null),
                ("annotations", .object(JSONObject([(EventBus.caCertSecretAnnotation, annotation)]))),
            ]))
        object["spec"] = item["spec"] ?? .null
        object["status"] = .object(JSONObject([("config", item["status"]?["config"] ?? .null)]))
        return .object(object)
    }
}
