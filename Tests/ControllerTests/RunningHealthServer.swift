import Adapter
import Controller
import Logging
import ServiceLifecycle
import TestSupport

/// Runs a `HealthServer` on a free 127.0.0.1 port inside a real ServiceGroup for the length of a
/// test body, then shuts it down gracefully and waits for it to finish.
enum RunningHealthServer {
    static func with(
        readiness: @escaping ReadinessCheck = { .ready }, metrics: MetricsExposition = MetricsExposition(),
        _ body: (_ port: Int) async throws -> Void
    ) async throws {
        let server = HealthServer(port: 0, readiness: readiness, metrics: metrics, logger: Logger(label: "test"),
            eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
        try await with(server, body)
    }

    static func with(_ server: HealthServer, _ body: (_ port: Int) async throws -> Void) async throws {
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            do {
                let port = try await waitForValue("the health server to listen") { server.boundPort }
                try await body(port)
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
