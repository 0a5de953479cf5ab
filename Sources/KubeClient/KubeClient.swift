import CurlCore
import Logging
import StructuredData

/// A Kubernetes REST client over libcurl. Objects are `JSONValue`s; resources are named by
/// `KubeResource`. For namespaced resources, object calls with `namespace: nil` use the
/// configuration's namespace, while list and watch with `namespace: nil` span all namespaces.
public final class KubeClient: Sendable {
    public let configuration: ClusterConfiguration
    public let retryPolicy: RetryPolicy
    private let transport: CurlTransport
    let logger: Logger

    /// - Parameter curlLoop: where its transfers run; the operator hands it its runtime's loop.
    public init(
        configuration: ClusterConfiguration, retryPolicy: RetryPolicy = .standard,
        logger: Logger = Logger(label: "kube-client"), curlLoop: CurlTransferLoop = .shared
    ) {
        self.configuration = configuration
        self.retryPolicy = retryPolicy
        self.logger = logger
        transport = CurlTransport(configuration: configuration, loop: curlLoop)
    }

    /// A client from kubeconfig (explicit path, `$KUBECONFIG`, `~/.kube/config`) or, in a pod, in-cluster.
    public convenience init(
        kubeconfigPath: String? = nil, context: String? = nil, logger: Logger = Logger(label: "kube-client"),
        curlLoop: CurlTransferLoop = .shared
    ) throws {
        self.init(
            configuration: try ClusterConfiguration.automatic(kubeconfigPath: kubeconfigPath, context: context), logger: logger,
            curlLoop: curlLoop)
    }

    public var defaultNamespace: String { configuration.namespace }

    private func objectNamespace(_ resource: KubeResource, _ namespace: String?) -> String? {
        resource.namespaced ? (namespace ?? configuration.namespace) : nil
    }

    // MARK: verbs

    public func get(_ resource: KubeResource, name: String, namespace: String? = nil, subresource: String? = nil) async throws(KubeError) -> JSONValue {
        let path = resource.path(namespace: objectNamespace(resource, namespace), name: name, subresource: subresource)
        return try await requestObject(TransferRequest(method: "GET", target: path))
    }

    public func list(_ resource: KubeResource, namespace: String? = nil, options: ListOptions = ListOptions()) async throws(KubeError) -> ObjectList {
        let path = resource.path(namespace: namespace) + PercentEncoding.query(options.queryItems)
        let list = try await requestObject(TransferRequest(method: "GET", target: path))
        guard let items = list["items"]?.arrayValue ?? (list["items"]?.isNull == true ? [] : nil) else {
            throw .malformedResponse("list of \(resource) has no items")
        }
        let continueToken = list["metadata"]?["continue"]?.stringValue
        return ObjectList(
            items: items, resourceVersion: list["metadata"]?["resourceVersion"]?.stringValue ?? "",
            continueToken: continueToken?.isEmpty == true ? nil : continueToken)
    }

    /// Every page of a list, joined; the resourceVersion is the first page's (the snapshot all pages share).
    public func listAll(_ resource: KubeResource, namespace: String? = nil, options: ListOptions = ListOptions()) async throws(KubeError) -> ObjectList {
        var options = options
        var items: [JSONValue] = []
        var version: String?
        while true {
            let page = try await list(resource, namespace: namespace, options: options)
            items += page.items
            version = version ?? page.resourceVersion
            guard let token = page.continueToken else { break }
            options.continueToken = token
        }
        return ObjectList(items: items, resourceVersion: version ?? "", continueToken: nil)
    }

    public func create(_ resource: KubeResource, _ object: JSONValue, namespace: String? = nil, fieldManager: String? = nil) async throws(KubeError) -> JSONValue {
        let namespace = objectNamespace(resource, namespace ?? object["metadata"]?["namespace"]?.stringValue)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        let path = resource.path(namespace: namespace) + PercentEncoding.query(query)
        return try await requestObject(TransferRequest(
            method: "POST", target: path, body: JSONWriter.bytes(object), contentType: "application/json"))
    }

    /// PUT. The object's resourceVersion is the precondition: a stale one gives `.conflict`.
    public func update(
        _ resource: KubeResource, _ object: JSONValue, namespace: String? = nil, subresource: String? = nil,
        fieldManager: String? = nil
    ) async throws(KubeError) -> JSONValue {
        guard let name = object["metadata"]?["name"]?.stringValue else {
            throw .rejected(KubeStatus(code: 400, reason: "BadRequest", message: "the object to update has no metadata.name"))
        }
        let namespace = objectNamespace(resource, namespace ?? object["metadata"]?["namespace"]?.stringValue)
        var query: [(String, String)] = []
        if let fieldManager { query.append(("fieldManager", fieldManager)) }
        let path = resource.path(namespace: namespace, name: name, subresource: subresource) + PercentEncoding.query(query)
        return try await requestObject(TransferRequest(
            method: "PUT", target: path, body: JSONWriter.bytes(object), contentType: "application/json"))
    }

    /// PUT to `/status`: only the status is taken from `object`.
    public func updateStatus(_ resource: KubeResource, _ object: JSONValue, namespace: String? = nil) async throws(KubeError) -> JSONValue {
        try await update(resource, object, namespace: namespace, subresource: "status")
    }

    public func patch(
        _ resource: KubeResource, name: String, namespace: String? = nil, _ patch: Patch, subresource: String? = nil,
        fieldManager: String? = nil
    ) async throws(KubeError) -> JSONValue {
        var query: [(String, String)] = []
        switch patch {
        case .apply(_, let manager, let force):
            query.append(("fieldManager", manager))
            if force { query.append(("force", "true")) }
        default:
            if let fieldManager { query.append(("fieldManager", fieldManager)) }
        }
        let path = resource.path(namespace: objectNamespace(resource, namespace), name: name, subresource: subresource)
            + PercentEncoding.query(query)
        return try await requestObject(TransferRequest(method: "PATCH", target: path, body: patch.body, contentType: patch.contentType))
    }

    /// PATCH to `/status`: changes outside status are ignored by the server.
    public func patchStatus(_ resource: KubeResource, name: String, namespace: String? = nil, _ patch: Patch) async throws(KubeError) -> JSONValue {
        try await self.patch(resource, name: name, namespace: namespace, patch, subresource: "status")
    }

    /// Deletes, or with finalizers marks for deletion; returns the object as the server last had it.
    @discardableResult
    public func delete(
        _ resource: KubeResource, name: String, namespace: String? = nil, preconditions: DeletePreconditions? = nil,
        propagationPolicy: String? = nil
    ) async throws(KubeError) -> JSONValue {
        var options: JSONObject = JSONObject([("kind", "DeleteOptions"), ("apiVersion", "v1")])
        if let preconditions {
            var conditions = JSONObject()
            if let uid = preconditions.uid { conditions["uid"] = .string(uid) }
            if let version = preconditions.resourceVersion { conditions["resourceVersion"] = .string(version) }
            options["preconditions"] = .object(conditions)
        }
        if let propagationPolicy { options["propagationPolicy"] = .string(propagationPolicy) }
        let path = resource.path(namespace: objectNamespace(resource, namespace), name: name)
        return try await requestObject(TransferRequest(
            method: "DELETE", target: path, body: JSONWriter.bytes(.object(options)), contentType: "application/json"))
    }

    // MARK: watch

    /// The raw bytes of one watch connection. Ends when the server ends it; fails with the
    /// server's Status (`.gone` for a 410) or `.transport`. Not retried: `ResourceWatcher` does that.
    public func watchBytes(_ resource: KubeResource, namespace: String? = nil, options: WatchOptions = WatchOptions()) -> ByteStream {
        let path = resource.path(namespace: namespace) + PercentEncoding.query(options.queryItems)
        return transport.stream(TransferRequest(method: "GET", target: path, timeout: nil))
    }

    /// The events of one watch connection, parsed. An ERROR event is delivered as an event;
    /// its object is a Status.
    public func watch(_ resource: KubeResource, namespace: String? = nil, options: WatchOptions = WatchOptions())
        -> WatchEventSequence
    {
        WatchEventSequence(connection: watchBytes(resource, namespace: namespace, options: options))
    }

    /// A list-then-watch loop that survives dropped watches and 410s; see `ResourceWatcher`.
    public func watcher(_ resource: KubeResource, namespace: String? = nil, options: ResourceWatcher.Options = .init()) -> ResourceWatcher {
        ResourceWatcher(client: self, resource: resource, namespace: namespace, options: options)
    }

    // MARK: sending

    private func requestObject(_ request: TransferRequest) async throws(KubeError) -> JSONValue {
        let result = try await send(request)
        do {
            return try JSONParser.parse(result.body)
        } catch {
            throw .malformedResponse("\(request.method) \(request.target): body is not JSON: \(error)")
        }
    }

    /// Sends with the retry policy: Retry-After on 429, backoff on 5xx and network errors.
    func send(_ request: TransferRequest) async throws(KubeError) -> TransferResult {
        var backoff = retryPolicy.backoff
        var attempt = 1
        while true {
            let error: KubeError
            switch await transport.send(request) {
            case .success(let result) where (200..<300).contains(result.status):
                return result
            case .success(let result):
                error = Self.error(status: result.status, body: result.body, retryAfter: result.retryAfterSeconds)
            case .failure(let failure):
                error = failure
            }
            if Task.isCancelled { throw .cancelled }
            guard attempt < retryPolicy.maxAttempts, retryPolicy.shouldRetry(error, method: request.method) else { throw error }
            let delay: Duration
            if case .tooManyRequests(_, let retryAfter?) = error {
                delay = min(retryAfter, retryPolicy.maximumRetryAfter)
            } else {
                delay = backoff.next()
            }
            logger.debug(
                "retrying Kubernetes request",
                metadata: ["method": "\(request.method)", "target": "\(request.target)", "error": "\(error)", "delay": "\(delay)"])
            attempt += 1
            do {
                try await retryPolicy.clock.sleep(for: delay)
            } catch {
                throw .cancelled
            }
        }
    }

    static func error(status: Int, body: [UInt8], retryAfter: Int?) -> KubeError {
        KubeError.from(status: KubeStatus(decoding: body, httpStatus: status), httpCode: status, retryAfterHeader: retryAfter)
    }
}

extension KubeClient {
    /// The same cluster and credentials with another retry policy.
    public func withRetryPolicy(_ policy: RetryPolicy) -> KubeClient {
        KubeClient(configuration: configuration, retryPolicy: policy, logger: logger)
    }
}
