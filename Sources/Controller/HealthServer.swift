import Adapter
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Synchronization

/// `/healthz`, `/readyz` and `/metrics` over HTTP/1.1, as a service: `run()` binds, serves until
/// graceful shutdown (or cancellation), then closes the listening socket and every connection.
///
/// Binds 127.0.0.1 unless told otherwise: metrics name every EventSource, so exposing them
/// beyond the pod is the deployer's choice (`host: "0.0.0.0"`), not a default.
public final class HealthServer: Service, Sendable {
    public let host: String
    public let port: Int
    private let routes: HealthServerRoutes
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let listeningPort = Mutex<Int?>(nil)

    /// What a server answers; the rest is 404, so metrics can live on a port of their own.
    public enum Endpoint: String, Sendable, CaseIterable {
        case healthz = "/healthz"
        case readyz = "/readyz"
        case metrics = "/metrics"
    }

    /// - Parameters:
    ///   - port: 0 picks a free port; read it from `boundPort` once `run()` has bound.
    ///   - readiness: asked on every `/readyz`.
    ///   - metrics: rendered on every `/metrics`.
    ///   - endpoints: the paths this server answers.
    public init(
        host: String = "127.0.0.1", port: Int, readiness: @escaping ReadinessCheck,
        metrics: MetricsExposition = MetricsExposition(), endpoints: Set<Endpoint> = Set(Endpoint.allCases),
        logger: Logger = Logger(label: "health-server"), eventLoopGroup: any EventLoopGroup
    ) {
        self.host = host
        self.port = port
        self.routes = HealthServerRoutes(readiness: readiness, metrics: metrics, endpoints: endpoints)
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
    }

    /// The server for a fixed set of adapters, as the standalone `run` has: ready once every
    /// adapter is Consuming or WaitingForStreams, with their pending, lag and phase gauges.
    public convenience init(
        host: String = "127.0.0.1", port: Int, adapters: [StreamAdapter],
        logger: Logger = Logger(label: "health-server"), eventLoopGroup: any EventLoopGroup
    ) {
        let reports = AdapterReport.provider(for: adapters)
        self.init(
            host: host, port: port, readiness: Readiness.adapters(reports),
            metrics: MetricsExposition().adding(AdapterStatusMetrics.collector(reports)), logger: logger,
            eventLoopGroup: eventLoopGroup)
    }

    /// The port actually listened on, once `run()` has bound; nil before and after.
    public var boundPort: Int? { listeningPort.withLock { $0 } }

    public func run() async throws {
        let server: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
        do {
            let socket = try HealthServerSocket.bound(host: host, port: port)
            server = try await ServerBootstrap(group: eventLoopGroup)
                .bind(socket) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                        return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                            wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw HealthServerError.cannotListen(host: host, port: port, reason: "\(error)")
        }
        let bound = server.channel.localAddress?.port ?? port
        listeningPort.withLock { $0 = bound }
        defer { listeningPort.withLock { $0 = nil } }
        let paths = Endpoint.allCases.filter(routes.endpoints.contains).map(\.rawValue).joined(separator: " ")
        logger.info("serving \(paths) on http://\(host):\(bound)")

        // Cancellation ends the accept loop and every connection's read loop; each
        // executeThenClose then closes its channel, so nothing outlives this call.
        let routes = self.routes
        let logger = self.logger
        try await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { connections in
                defer { connections.cancelAll() }
                do {
                    try await server.executeThenClose { accepted in
                        for try await channel in accepted {
                            connections.addTask {
                                await HealthServerConnection(channel: channel, routes: routes, logger: logger).serve()
                            }
                        }
                    }
                } catch where Task.isCancelled {
                    logger.debug("health server stopped accepting: \(error)")
                } catch {
                    // Not a shutdown: the listener failed, and the service group should hear of it.
                    logger.error("health server stopped accepting: \(error)")
                    throw error
                }
            }
        }
        logger.info("health server stopped")
    }
}
