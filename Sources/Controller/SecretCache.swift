import Foundation
import KubeClient
import Reconciler
import StructuredData

/// Secrets the controller watches, decoded, plus which EventSources used which Secret at
/// their last reconcile, so a changed Secret requeues exactly the EventSources that read it.
public actor SecretCache {
    private var snapshot = SecretSnapshot()
    private var readers: [SecretReference: Set<ObjectKey>] = [:]

    public struct SecretReference: Hashable, Sendable {
        public var namespace: String
        public var name: String
    }

    public init() {}

    public var current: SecretSnapshot { snapshot }

    /// Records the Secrets one EventSource refers to.
    public func recordReferences(of object: ObjectKey, to names: Set<String>) {
        for (reference, var objects) in readers where objects.contains(object) && !names.contains(reference.name) {
            objects.remove(object)
            readers[reference] = objects.isEmpty ? nil : objects
        }
        for name in names {
            readers[SecretReference(namespace: object.namespace, name: name), default: []].insert(object)
        }
    }

    public func forget(_ object: ObjectKey) {
        recordReferences(of: object, to: [])
    }

    /// Applies a watcher update; returns the EventSources whose Secrets changed.
    public func apply(_ update: WatcherUpdate) -> Set<ObjectKey> {
        var changed: [SecretReference] = []
        switch update {
        case .replaceAll(let items, _):
            var fresh: [String: [String: [String: [UInt8]]]] = [:]
            for item in items {
                guard let reference = Self.reference(of: item) else { continue }
                fresh[reference.namespace, default: [:]][reference.name] = Self.data(of: item)
            }
            for (namespace, secrets) in fresh {
                for (name, data) in secrets where snapshot.secrets[namespace]?[name] != data {
                    changed.append(SecretReference(namespace: namespace, name: name))
                }
            }
            for (namespace, secrets) in snapshot.secrets {
                for name in secrets.keys where fresh[namespace]?[name] == nil {
                    changed.append(SecretReference(namespace: namespace, name: name))
                }
            }
            snapshot.secrets = fresh
        case .added(let item), .modified(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            let data = Self.data(of: item)
            if snapshot.secrets[reference.namespace]?[reference.name] != data {
                snapshot.secrets[reference.namespace, default: [:]][reference.name] = data
                changed.append(reference)
            }
        case .deleted(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            snapshot.secrets[reference.namespace]?[reference.name] = nil
            changed.append(reference)
        }
        return changed.reduce(into: Set<ObjectKey>()) { $0.formUnion(readers[$1] ?? []) }
    }

    private static func reference(of item: JSONValue) -> SecretReference? {
        guard let name = item["metadata"]?["name"]?.stringValue else { return nil }
        return SecretReference(namespace: item["metadata"]?["namespace"]?.stringValue ?? "", name: name)
    }

    /// `data` is base64; `stringData` is plain text (only ever seen on input, but harmless to honour).
    private static func data(of item: JSONValue) -> [String: [UInt8]] {
        var values: [String: [UInt8]] = [:]
        for (key, value) in item["data"]?.objectValue ?? JSONObject() {
            if let text = value.stringValue, let decoded = Data(base64Encoded: text) { values[key] = Array(decoded) }
        }
        for (key, value) in item["stringData"]?.objectValue ?? JSONObject() {
            if let text = value.stringValue { values[key] = Array(text.utf8) }
        }
        return values
    }
}
