import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A Kubernetes-compatible API server in memory, on 127.0.0.1, for tests and local runs.
///
///     let server = try await KubeTestServer.start(KubeTestServerConfiguration(tls: true, token: "t"))
///     try server.writeKubeconfig(to: path)
///     ...
///     try await server.stop()
public final class KubeTestServer: Sendable {
    public let configuration: KubeTestServerConfiguration
    /// The port it listens on (the real one when 0 was asked for).
    public let port: Int
    /// The PKI made at start when serving TLS.
    public let certificates: GeneratedCertificates?
    private let core: APIServerCore
    private let group: MultiThreadedEventLoopGroup
    private let channel: Channel

    public var url: String { "\(certificates == nil ? "http" : "https")://127.0.0.1:\(port)" }

    private init(
        configuration: KubeTestServerConfiguration, port: Int, certificates: GeneratedCertificates?, core: APIServerCore,
        group: MultiThreadedEventLoopGroup, channel: Channel
    ) {
        self.configuration = configuration
        self.port = port
        self.certificates = certificates
        self.core = core
        self.group = group
        self.channel = channel
    }

    public static func start(_ configuration: KubeTestServerConfiguration = KubeTestServerConfiguration()) async throws
        -> KubeTestServer
    {
        _ = try configuration.faults.validated()
        guard Durations.isSchedulable(configuration.bookmarkIntervalSeconds), configuration.bookmarkIntervalSeconds > 0 else {
            throw FaultSettingsError(message: "bookmarkIntervalSeconds must be above 0 and at most \(Int64(Durations.maximumSeconds))")
        }
        guard Durations.isSchedulable(configuration.namespaceTerminationSeconds) else {
            throw FaultSettingsError(message: "namespaceTerminationSeconds must be between 0 and \(Int64(Durations.maximumSeconds))")
        }
        let certificates = configuration.tls ? try GeneratedCertificates.make() : nil
        let tlsContext = try certificates.map { try TLSServerContext($0) }
        let core = APIServerCore(configuration: configuration)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    if let tlsContext { try pipeline.addHandler(OpenSSLServerHandler(context: tlsContext)) }
                    try pipeline.configureHTTPServerPipeline(withErrorHandling: false)
                    try pipeline.addHandler(HTTPParseErrorResponder())
                    try pipeline.addHandler(APIHTTPHandler(core: core))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: "127.0.0.1", port: configuration.port).get()
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        // The group's shutdown in stop() cancels it.
        group.next().scheduleRepeatedTask(initialDelay: .milliseconds(250), delay: .milliseconds(250)) { _ in
            core.finishNamespaceTerminations()
        }
        let port = channel.localAddress?.port ?? configuration.port
        core.identity.withLock { $0 = ("127.0.0.1:\(port)", certificates == nil ? "http" : "https") }
        return KubeTestServer(
            configuration: configuration, port: port, certificates: certificates, core: core, group: group,
            channel: channel)
    }

    /// Closes the listener and every connection, watches included.
    public func stop() async throws {
        try? await channel.close()
        try await group.shutdownGracefully()
    }

    // MARK: kubeconfig

    /// How a written kubeconfig authenticates.
    public enum Credentials: Sendable {
        /// The server's token when it has one, and over TLS the client certificate too.
        case automatic
        case token(String)
        case clientCertificate
        case none
    }

    public func kubeconfig(credentials: Credentials = .automatic, namespace: String = "default") -> String {
        var token: String?
        var useCertificate = false
        switch credentials {
        case .automatic:
            token = configuration.token
            useCertificate = certificates != nil
        case .token(let value): token = value
        case .clientCertificate: useCertificate = true
        case .none: break
        }
        return KubeconfigText.make(
            server: url, caCertificatePEM: certificates?.caCertificatePEM, token: token,
            clientCertificatePEM: useCertificate ? certificates?.clientCertificatePEM : nil,
            clientKeyPEM: useCertificate ? certificates?.clientKeyPEM : nil, namespace: namespace)
    }

    public func writeKubeconfig(to path: String, credentials: Credentials = .automatic, namespace: String = "default") throws {
        let text = kubeconfig(credentials: credentials, namespace: namespace)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
    }

    // MARK: faults and inspection

    /// The faults in force now; changing them affects requests and watches that start afterwards.
    public var faults: FaultSettings {
        get { core.faults }
        set { core.faults = newValue }
    }

    /// Forgets all change history now, so watches and continue tokens from before get 410 Expired.
    public func compactHistory() {
        core.store.transaction { $0.compact() }
    }

    /// The newest resourceVersion the server has handed out.
    public var currentResourceVersion: Int64 {
        core.store.transaction { $0.resourceVersion }
    }

    public var statistics: ServerStatistics { core.stats }

    /// Watches open right now.
    public var activeWatchCount: Int {
        core.store.transaction { $0.subscriberCount }
    }
}
