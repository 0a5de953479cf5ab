import Foundation
import KubeClient
import Reconciler
import StructuredData

/// The Secrets that some EventSource refers to, decoded, plus which EventSources used which
/// Secret at their last reconcile, so a changed Secret requeues exactly the EventSources that
/// read it.
///
/// The watch sees every Secret in scope, but only referenced ones keep their data here: a
/// cluster's Secrets (service-account tokens, TLS certificates, Helm releases) would otherwise
/// all sit in this process's memory. Of the rest only the names are kept, so a newly referenced
/// Secret is fetched once, and one that does not exist is not asked for again until it appears.
public actor SecretCache {
    public struct SecretReference: Hashable, Sendable {
        public var namespace: String
        public var name: String

        public init(namespace: String, name: String) {
            self.namespace = namespace
            self.name = name
        }
    }

    /// Reads one Secret from the API server; nil when it does not exist.
    public typealias Fetch = @Sendable (SecretReference) async throws -> JSONValue?

    private var snapshot = SecretSnapshot()
    private var readers: [SecretReference: Set<ObjectKey>] = [:]
    /// Every Secret the watch has seen, referenced or not.
    private var existing: Set<SecretReference> = []
    private var listed = false
    private let fetch: Fetch

    public init(fetch: @escaping Fetch = { _ in nil }) {
        self.fetch = fetch
    }

    public var current: SecretSnapshot { snapshot }

    /// How many Secrets' data is held; the rest are known by name only.
    public var heldCount: Int { snapshot.secrets.values.reduce(0) { $0 + $1.count } }

    /// Records the Secrets one EventSource refers to, fetching those whose data is not held yet.
    /// Throws when the API server cannot be asked, so the reconcile is retried.
    /// Returns whether it fetched a Secret the snapshot did not hold.
    @discardableResult
    public func recordReferences(of object: ObjectKey, to names: Set<String>) async throws -> Bool {
        var fetched = false
        for (reference, var objects) in readers where objects.contains(object) && !names.contains(reference.name) {
            objects.remove(object)
            readers[reference] = objects.isEmpty ? nil : objects
            if objects.isEmpty { snapshot.secrets[reference.namespace]?[reference.name] = nil }
        }
        for name in names {
            let reference = SecretReference(namespace: object.namespace, name: name)
            readers[reference, default: []].insert(object)
            guard !isHeld(reference), !listed || existing.contains(reference) else { continue }
            if let item = try await fetch(reference), !isHeld(reference), readers[reference] != nil {
                snapshot.secrets[reference.namespace, default: [:]][reference.name] = Self.data(of: item)
                fetched = true
            }
        }
        return fetched
    }

    public func forget(_ object: ObjectKey) async {
        _ = try? await recordReferences(of: object, to: [])
    }

    /// Applies a watcher update; returns the EventSources whose Secrets changed.
    public func apply(_ update: WatcherUpdate) -> Set<ObjectKey> {
        var changed: [SecretReference] = []
        switch update {
        case .replaceAll(let items, _):
            existing = Set(items.compactMap(Self.reference(of:)))
            listed = true
            var fresh: [String: [String: [String: [UInt8]]]] = [:]
            for item in items {
                guard let reference = Self.reference(of: item), readers[reference] != nil else { continue }
                fresh[reference.namespace, default: [:]][reference.name] = Self.data(of: item)
            }
            for reference in readers.keys
            where snapshot.secrets[reference.namespace]?[reference.name] != fresh[reference.namespace]?[reference.name] {
                changed.append(reference)
            }
            snapshot.secrets = fresh
        case .added(let item), .modified(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            existing.insert(reference)
            guard readers[reference] != nil else { return [] }
            let data = Self.data(of: item)
            if snapshot.secrets[reference.namespace]?[reference.name] != data {
                snapshot.secrets[reference.namespace, default: [:]][reference.name] = data
                changed.append(reference)
            }
        case .deleted(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            existing.remove(reference)
            guard readers[reference] != nil else { return [] }
            snapshot.secrets[reference.namespace]?[reference.name] = nil
            changed.append(reference)
        }
        return changed.reduce(into: Set<ObjectKey>()) { $0.formUnion(readers[$1] ?? []) }
    }

    private func isHeld(_ reference: SecretReference) -> Bool {
        snapshot.secrets[reference.namespace]?[reference.name] != nil
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
