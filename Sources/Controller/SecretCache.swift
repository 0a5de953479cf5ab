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

    /// The snapshot with the revision it had when read: a reconcile builds from one, and builds
    /// again if the revision moved while it fetched (see `recordReferences(of:to:builtFrom:)`).
    public struct Revised: Sendable {
        public let snapshot: SecretSnapshot
        public let revision: Int
    }

    private var snapshot = SecretSnapshot()
    /// Moves on every change to `snapshot`'s contents.
    private var revision = 0
    private var readers: [SecretReference: Set<ObjectKey>] = [:]
    /// Every Secret the watch has seen, referenced or not.
    private var existing: Set<SecretReference> = []
    private var listed = false
    private let fetch: Fetch

    public init(fetch: @escaping Fetch = { _ in nil }) {
        self.fetch = fetch
    }

    public var current: SecretSnapshot { snapshot }

    public var revised: Revised { Revised(snapshot: snapshot, revision: revision) }

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
            if objects.isEmpty { store(nil, for: reference) }
        }
        for name in names {
            let reference = SecretReference(namespace: object.namespace, name: name)
            readers[reference, default: []].insert(object)
            guard !isHeld(reference), !listed || existing.contains(reference) else { continue }
            if let item = try await fetch(reference), !isHeld(reference), readers[reference] != nil {
                store(Self.data(of: item), for: reference)
                fetched = true
            }
        }
        return fetched
    }

    /// Records the references of a state built from the snapshot at `revision`, and returns the
    /// snapshot to build it again from, or nil when that one is still current.
    ///
    /// A fetch suspends this actor's work, and a watch update may land meanwhile: the first list
    /// can bring the very Secret being fetched. Judging by what this call fetched alone would then
    /// keep a state built without the Secret, and report it missing although it is held.
    public func recordReferences(
        of object: ObjectKey, to names: Set<String>, builtFrom revision: Int
    ) async throws -> Revised? {
        try await recordReferences(of: object, to: names)
        return self.revision == revision ? nil : revised
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
            if !changed.isEmpty { revision += 1 }
        case .added(let item), .modified(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            existing.insert(reference)
            guard readers[reference] != nil else { return [] }
            if store(Self.data(of: item), for: reference) { changed.append(reference) }
        case .deleted(let item):
            guard let reference = Self.reference(of: item) else { return [] }
            existing.remove(reference)
            guard readers[reference] != nil else { return [] }
            store(nil, for: reference)
            changed.append(reference)
        }
        return changed.reduce(into: Set<ObjectKey>()) { $0.formUnion(readers[$1] ?? []) }
    }

    /// Sets or drops one Secret's data; returns whether that changed the snapshot.
    @discardableResult
    private func store(_ data: [String: [UInt8]]?, for reference: SecretReference) -> Bool {
        guard snapshot.secrets[reference.namespace]?[reference.name] != data else { return false }
        snapshot.secrets[reference.namespace, default: [:]][reference.name] = data
        revision += 1
        return true
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
