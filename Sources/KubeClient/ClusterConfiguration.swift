import Foundation

/// Everything needed to reach one API server as one user: address, TLS trust, credentials,
/// and the namespace to use when a call names none.
public struct ClusterConfiguration: Sendable {
    /// `https://host:port` or `http://host:port`, without a trailing slash.
    public var server: String
    public var namespace: String
    /// PEM bytes of the CA bundle to trust; nil trusts the system's store.
    public var certificateAuthority: [UInt8]?
    public var clientCertificate: [UInt8]?
    public var clientKey: [UInt8]?
    public var token: TokenSource?
    public var insecureSkipTLSVerify: Bool
    /// The name to check the server's certificate against (and send as SNI) when it differs from the host.
    public var tlsServerName: String?

    public init(
        server: String, namespace: String = "default", certificateAuthority: [UInt8]? = nil,
        clientCertificate: [UInt8]? = nil, clientKey: [UInt8]? = nil, token: TokenSource? = nil,
        insecureSkipTLSVerify: Bool = false, tlsServerName: String? = nil
    ) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.namespace = namespace
        self.certificateAuthority = certificateAuthority
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.token = token
        self.insecureSkipTLSVerify = insecureSkipTLSVerify
        self.tlsServerName = tlsServerName
    }

    /// From a kubeconfig: the explicit path, else `$KUBECONFIG` (a `:`-separated list merged
    /// first-wins), else `~/.kube/config`.
    public static func fromKubeconfig(
        path: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeError) -> ClusterConfiguration {
        let files: [String]
        var missingAllowed = false
        if let path, !path.isEmpty {
            files = [path]
        } else if let list = environment["KUBECONFIG"], !list.isEmpty {
            files = list.split(separator: ":").map(String.init)
            missingAllowed = true  // as kubectl does, files in the list that do not exist are skipped
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            files = [home + "/.kube/config"]
        }
        let merged = try Kubeconfig.load(files: files, skipMissing: missingAllowed)
        return try merged.resolve(context: context)
    }

    /// From inside a pod: the service host and port from the environment, trust and identity from
    /// the mounted service-account files.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = "/var/run/secrets/kubernetes.io/serviceaccount",
        tokenRefreshInterval: Duration = .seconds(60)
    ) throws(KubeError) -> ClusterConfiguration {
        guard let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty,
            let port = environment["KUBERNETES_SERVICE_PORT"], !port.isEmpty
        else {
            throw .configuration("not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set")
        }
        let hostPart = host.contains(":") ? "[\(host)]" : host
        guard let ca = FileManager.default.contents(atPath: serviceAccountDirectory + "/ca.crt") else {
            throw .configuration("cannot read \(serviceAccountDirectory)/ca.crt")
        }
        let token = try TokenSource(file: serviceAccountDirectory + "/token", refreshInterval: tokenRefreshInterval)
        let namespace = FileManager.default.contents(atPath: serviceAccountDirectory + "/namespace")
            .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        return ClusterConfiguration(
            server: "https://\(hostPart):\(port)", namespace: namespace.flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            certificateAuthority: [UInt8](ca), token: token)
    }

    /// What the operator uses: an explicit kubeconfig, else `$KUBECONFIG`, else in-cluster when
    /// running in a pod, else `~/.kube/config`.
    public static func automatic(
        kubeconfigPath: String? = nil, context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(KubeError) -> ClusterConfiguration {
        if kubeconfigPath?.isEmpty == false || environment["KUBECONFIG"]?.isEmpty == false {
            return try fromKubeconfig(path: kubeconfigPath, context: context, environment: environment)
        }
        if environment["KUBERNETES_SERVICE_HOST"]?.isEmpty == false {
            return try inCluster(environment: environment)
        }
        return try fromKubeconfig(path: nil, context: context, environment: environment)
    }
}
