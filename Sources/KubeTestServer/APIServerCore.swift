import Foundation
import StructuredData
import Synchronization

/// Counts of what the server did, for tests that check a fault was really injected.
public struct ServerStatistics: Sendable, Equatable {
    public var requests = 0
    public var injectedErrors = 0
    public var injectedThrottles = 0
    public var watchesStarted = 0
    public var watchesClosedByFault = 0
    /// The highest resourceVersion any bookmark carried.
    public var lastBookmarkVersion: Int64 = 0
}

/// The API server without its sockets: takes a request, answers it. The HTTP layer feeds it.
final class APIServerCore: Sendable {
    let configuration: KubeTestServerConfiguration
    let store: ObjectStore
    let identity: Mutex<(address: String, scheme: String)> = Mutex(("127.0.0.1:0", "http"))
    private let faultSettings: Mutex<FaultSettings>
    private let statistics = Mutex(ServerStatistics())

    init(configuration: KubeTestServerConfiguration) {
        self.configuration = configuration
        store = ObjectStore(historyLimit: configuration.historyLimit)
        faultSettings = Mutex(configuration.faults)
        let namespaces = configuration.namespaces
        store.transaction { state in
            for name in namespaces {
                let namespace: JSONValue = [
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": [
                        "name": .string(name), "uid": .string(UUIDText.random()),
                        "creationTimestamp": .string(KubeTime.time()),
                        "labels": ["kubernetes.io/metadata.name": .string(name)],
                    ],
                    "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
                ]
                state.store(BuiltInResources.namespaces.storage, ObjectKey(namespace: "", name: name), namespace)
            }
        }
    }

    var faults: FaultSettings {
        get { faultSettings.withLock { $0 } }
        set { faultSettings.withLock { $0 = newValue } }
    }

    var stats: ServerStatistics { statistics.withLock { $0 } }

    func countWatchClosedByFault() { statistics.withLock { $0.watchesClosedByFault += 1 } }

    func noteBookmark(_ version: Int64) {
        statistics.withLock { $0.lastBookmarkVersion = max($0.lastBookmarkVersion, version) }
    }

    /// Removes namespaces that have been terminating for `namespaceTerminationSeconds`, with
    /// everything in them: the namespace controller's job on a cluster. Called on a timer.
    func finishNamespaceTerminations() {
        let cutoff = Date().addingTimeInterval(-configuration.namespaceTerminationSeconds)
        let namespaces = BuiltInResources.namespaces.storage
        store.transaction { state in
            for (key, object) in state.objects(namespaces, namespace: nil) {
                guard let text = object["metadata"]?["deletionTimestamp"]?.stringValue, let since = KubeTime.parse(text),
                    since <= cutoff
                else { continue }
                for storage in state.storageKeys where storage != namespaces { state.removeAll(storage, namespace: key.name) }
                state.remove(namespaces, key)
            }
        }
    }

    // MARK: entry

    func handle(_ request: APIRequest) -> APIResponse {
        do {
            return try route(request)
        } catch {
            return .failure(error)
        }
    }

    private func route(_ request: APIRequest) throws(APIError) -> APIResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        if ["/healthz", "/livez", "/readyz"].contains(path) { return .text(status: 200, body: "ok") }
        guard let caller = authenticate(request) else { throw .unauthorized() }
        if path.hasPrefix("/testserver/") {
            guard caller == nil else { throw .forbiddenToServiceAccounts(path) }
            return try administer(request, path: path)
        }
        statistics.withLock { $0.requests += 1 }
        // OpenAPI is read only by kubectl, to validate: faults there would test kubectl, not the
        // clients the faults are for, and would make every `kubectl apply` in a faulty test likelier to fail.
        if !path.hasPrefix("/openapi/") { try injectFaults() }
        if let target = RequestTarget(path: path) {
            if let caller {
                let attributes = RBACAttributes(request: request, target: target)
                let allowed = store.transaction { RBACAuthorizer.allows($0, user: caller, attributes) }
                guard allowed else { throw RBACAuthorizer.forbidden(caller, attributes) }
            }
            return try resourceRequest(request, target)
        }
        guard request.method == "GET" else { throw .methodNotAllowed(request.method) }
        if path == "/openapi/v2" { return OpenAPIV2Document.response(accept: request.header("Accept") ?? "") }
        let address = identity.withLock { $0.address }
        let document: JSONValue? = store.transaction { state in
            switch path {
            case "/version": return Discovery.version()
            case "/api": return Discovery.coreVersions(serverAddress: address)
            case "/api/v1": return Discovery.resourceList(group: "", version: "v1", catalog: state.catalog)
            case "/apis": return Discovery.groupList(state.catalog)
            case "/openapi/v3": return OpenAPIDocuments.root(state.catalog)
            case _ where path.hasPrefix("/openapi/v3/"):
                return OpenAPIDocuments.document(state.catalog, path: String(path.dropFirst("/openapi/v3/".count)))
            default:
                let segments = path.split(separator: "/").map(String.init)
                if segments.count == 2, segments[0] == "apis" {
                    return Discovery.group(name: segments[1], catalog: state.catalog)
                }
                if segments.count == 3, segments[0] == "apis" {
                    return Discovery.resourceList(group: segments[1], version: segments[2], catalog: state.catalog)
                }
                return nil
            }
        }
        guard let document else { throw .noSuchPath("get \(path)") }
        return .ok(document)
    }

    /// nil when the request is refused; `.some(nil)` for the server's own token, certificate or an
    /// open server, which may do anything; `.some(user)` for a ServiceAccount under `--enforce-rbac`,
    /// whose requests RBAC decides. A ServiceAccount's token is `system:serviceaccount:NAMESPACE:NAME`:
    /// the server only listens on loopback, and tests need no signed tokens.
    private func authenticate(_ request: APIRequest) -> ClientIdentity?? {
        let bearer = request.header("Authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        if configuration.enforceRBAC, let bearer, bearer.hasPrefix("system:serviceaccount:") {
            let parts = bearer.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 4, !parts[2].isEmpty, !parts[3].isEmpty else { return nil }
            let identity = ClientIdentity(
                user: bearer, groups: ["system:serviceaccounts", "system:serviceaccounts:\(parts[2])", "system:authenticated"])
            return .some(identity)
        }
        let token = configuration.token
        if token == nil && !configuration.tls { return .some(nil) }
        if request.certificateIdentity != nil { return .some(nil) }
        if let token, bearer == token { return .some(nil) }
        return nil
    }

    private func injectFaults() throws(APIError) {
        let faults = self.faults
        if faults.errorFraction > 0, Double.random(in: 0..<1) < faults.errorFraction {
            statistics.withLock { $0.injectedErrors += 1 }
            throw .internalError("injected by kube-testserver")
        }
        if faults.throttleFraction > 0, Double.random(in: 0..<1) < faults.throttleFraction {
            statistics.withLock { $0.injectedThrottles += 1 }
            throw .tooManyRequests(retryAfter: faults.retryAfterSeconds)
        }
    }

    // MARK: resources

    private func resourceRequest(_ request: APIRequest, _ target: RequestTarget) throws(APIError) -> APIResponse {
        let resource = store.transaction { state in
            state.catalog.lookup(group: target.group, version: target.version, plural: target.plural)
        }
        guard let resource else { throw .noSuchPath("\(request.method.lowercased()) \(target.plural)") }
        if target.namespace != nil && !resource.namespaced { throw .noSuchPath(request.path) }
        if let subresource = target.subresource, subresource != "status" || !resource.hasStatusSubresource {
            throw .noSuchPath(request.path)
        }
        if resource.namespaced && target.namespace == nil && !(request.method == "GET" && target.name == nil) {
            throw .noSuchPath(request.path)
        }
        let operations = ObjectOperations(
            resource: resource, namespace: target.namespace, request: request, configuration: configuration)
        let limit = configuration.maxRequestBytes
        switch (request.method, target.name) {
        case ("GET", nil):
            if request.isWatch {
                statistics.withLock { $0.watchesStarted += 1 }
                return .watch(try WatchPlan(resource: resource, namespace: target.namespace, request: request))
            }
            let (items, metadata) = try store.transaction { state throws(APIError) in try operations.list(&state) }
            if request.wantsTable { return .ok(table(resource, request).table(items, metadata: metadata)) }
            return .ok([
                "kind": .string(resource.listKind), "apiVersion": .string(resource.apiVersion),
                "metadata": .object(metadata), "items": .array(items),
            ])
        case ("GET", let name?):
            let object = try store.transaction { state throws(APIError) in try operations.get(&state, name: name) }
            if request.wantsTable { return .ok(table(resource, request).table([object], metadata: JSONObject())) }
            return .ok(object)
        case ("POST", nil):
            let body = try RequestBody.object(request, for: resource, limit: limit)
            let created = try store.transaction { state throws(APIError) in try operations.create(&state, body: body) }
            return .json(status: 201, body: created, headers: operations.warnings.headers)
        case ("PUT", let name?):
            let body = try RequestBody.object(request, for: resource, limit: limit)
            let updated = try store.transaction { state throws(APIError) in
                try operations.update(&state, name: name, body: body, subresource: target.subresource)
            }
            return .json(status: 200, body: updated, headers: operations.warnings.headers)
        case ("PATCH", let name?):
            let (object, created) = try store.transaction { state throws(APIError) in
                try operations.patch(&state, name: name, subresource: target.subresource)
            }
            return .json(status: created ? 201 : 200, body: object, headers: operations.warnings.headers)
        case ("DELETE", let name?):
            return .ok(try store.transaction { state throws(APIError) in try operations.delete(&state, name: name) })
        case ("DELETE", nil):
            let deleted = try store.transaction { state throws(APIError) in try operations.deleteCollection(&state) }
            return .ok([
                "kind": .string(resource.listKind), "apiVersion": .string(resource.apiVersion),
                "metadata": .object(JSONObject()), "items": .array(deleted),
            ])
        default:
            throw .methodNotAllowed(request.method)
        }
    }

    private func table(_ resource: ResourceType, _ request: APIRequest) -> TableConverter {
        TableConverter(
            resource: resource,
            include: TableConverter.IncludeObject(rawValue: request.query["includeObject"] ?? "") ?? .metadata)
    }

    // MARK: watches

    /// Registers a watch and returns the events it must send first. Both happen under the store's
    /// lock, so no change falls between the catch-up and the live events.
    func beginWatch(
        _ plan: WatchPlan, onChange: @escaping @Sendable (Change) -> Void, onEnd: @escaping @Sendable () -> Void
    ) throws(APIError) -> (initial: [Change], subscriberID: Int) {
        try store.transaction { state throws(APIError) in
            let initial: [Change]
            if let start = plan.startVersion {
                initial = try state.changes(after: start, storage: plan.resource.storage)
            } else {
                initial = state.objects(plan.resource.storage, namespace: plan.namespace).map {
                    Change(
                        resourceVersion: state.resourceVersion, storage: plan.resource.storage, type: .added,
                        object: $0.object, previous: nil)
                }
            }
            let subscriber = state.subscribe { id in
                WatchSubscriber(id: id, storage: plan.resource.storage, onChange: onChange, onEnd: onEnd)
            }
            return (initial, subscriber.id)
        }
    }

    func endWatch(_ id: Int) {
        store.transaction { $0.unsubscribe(id) }
    }

    // MARK: administration

    private func administer(_ request: APIRequest, path: String) throws(APIError) -> APIResponse {
        switch (request.method, path) {
        case ("GET", "/testserver/faults"):
            return .ok(faults.json)
        case ("PUT", "/testserver/faults"), ("POST", "/testserver/faults"), ("PATCH", "/testserver/faults"):
            let body = try RequestBody.object(request, limit: configuration.maxRequestBytes)
            do {
                let base = request.method == "PUT" ? FaultSettings.none : faults
                let updated = try FaultSettings(json: body, base: base)
                faults = updated
                return .ok(updated.json)
            } catch {
                throw .badRequest(error.message)
            }
        case ("POST", "/testserver/compact"):
            // With closeWatches=true every open watch ends too, so each client re-watches from a
            // forgotten version and gets 410 Expired at once, however idle its resource was.
            let closeWatches = request.query["closeWatches"] == "true"
            let version = store.transaction { state in
                state.compact()
                if closeWatches { state.endAllWatches() }
                return state.resourceVersion
            }
            return .ok(["compactedThrough": .int(version)])
        case ("GET", "/testserver/stats"):
            let stats = self.stats
            let (version, compacted) = store.transaction { ($0.resourceVersion, $0.compactedThrough) }
            return .ok([
                "requests": .int(Int64(stats.requests)), "injectedErrors": .int(Int64(stats.injectedErrors)),
                "injectedThrottles": .int(Int64(stats.injectedThrottles)),
                "watchesStarted": .int(Int64(stats.watchesStarted)),
                "watchesClosedByFault": .int(Int64(stats.watchesClosedByFault)),
                "resourceVersion": .int(version), "compactedThrough": .int(compacted),
            ])
        default:
            throw .noSuchPath(path)
        }
    }
}
