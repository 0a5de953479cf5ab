/// How a test server starts. Defaults suit tests: loopback, a free port, no TLS, no auth.
public struct KubeTestServerConfiguration: Sendable {
    /// 0 picks a free port; the server reports the one it got.
    public var port: Int
    /// Serve HTTPS with a certificate authority, server and client certificates made at start.
    public var tls: Bool
    /// When set, requests must carry `Authorization: Bearer <token>` (or, over TLS, a client certificate).
    public var token: String?
    /// How many changes watches can resume from; older resourceVersions get 410 Expired.
    public var historyLimit: Int
    /// How often watches that asked for bookmarks get one.
    public var bookmarkIntervalSeconds: Double
    /// Request bodies above this are refused with 413, as the real API server does at 3 MiB.
    public var maxRequestBytes: Int
    /// Objects above this are refused with 413 (etcd's limit is about 1.5 MiB).
    public var maxObjectBytes: Int
    public var faults: FaultSettings
    /// Namespaces that exist from the start.
    public var namespaces: [String]
    /// How long a deleted namespace stays `Terminating` before it goes with its contents.
    public var namespaceTerminationSeconds: Double
    /// Accept ServiceAccount tokens (`system:serviceaccount:NS:NAME`) and allow their requests only
    /// as far as the stored Roles, ClusterRoles and bindings say.
    public var enforceRBAC: Bool

    public init(
        port: Int = 0, tls: Bool = false, token: String? = nil, historyLimit: Int = 10_000,
        bookmarkIntervalSeconds: Double = 5, maxRequestBytes: Int = 3 * 1024 * 1024,
        maxObjectBytes: Int = 1_536 * 1024, faults: FaultSettings = .none,
        namespaces: [String] = ["default", "kube-system", "kube-public"], namespaceTerminationSeconds: Double = 2,
        enforceRBAC: Bool = false
    ) {
        self.port = port
        self.tls = tls
        self.token = token
        self.historyLimit = historyLimit
        self.bookmarkIntervalSeconds = bookmarkIntervalSeconds
        self.maxRequestBytes = maxRequestBytes
        self.maxObjectBytes = maxObjectBytes
        self.faults = faults
        self.namespaces = namespaces
        self.namespaceTerminationSeconds = namespaceTerminationSeconds
        self.enforceRBAC = enforceRBAC
    }
}
