import Adapter
import Controller
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

@Suite struct HealthServerTests {
    @Test func healthzAnswersOK() async throws {
        try await RunningHealthServer.with { port in
            let response = try await CurlRequest.send(port: port, path: "/healthz")
            #expect(response.status == 200)
            #expect(response.body == "ok")
        }
    }

    @Test func readyzFollowsTheReadinessCheck() async throws {
        let state = Mutex<Readiness>(.notReady(reason: "first list not synced yet"))
        try await RunningHealthServer.with(readiness: { state.withLock { $0 } }) { port in
            let before = try await CurlRequest.send(port: port, path: "/readyz")
            #expect(before.status == 503)
            #expect(before.body == "first list not synced yet")

            state.withLock { $0 = .ready }
            let after = try await CurlRequest.send(port: port, path: "/readyz")
            #expect(after.status == 200)
            #expect(after.body == "ok")

            state.withLock { $0 = .notReady(reason: "watch lost") }
            #expect(try await CurlRequest.send(port: port, path: "/readyz").status == 503)
            // Liveness does not depend on readiness.
            #expect(try await CurlRequest.send(port: port, path: "/healthz").status == 200)
        }
    }

    @Test func metricsUsesThePrometheusTextContentType() async throws {
        try await RunningHealthServer.with { port in
            let response = try await CurlRequest.send(port: port, path: "/metrics")
            #expect(response.status == 200)
            #expect(response.contentType == "text/plain; version=0.0.4; charset=utf-8")
            // Prometheus appends query parameters of its own; they do not change the route.
            #expect(try await CurlRequest.send(port: port, path: "/metrics?debug=1").status == 200)
        }
    }

    @Test func unknownPathsAre404AndOtherMethods405() async throws {
        try await RunningHealthServer.with { port in
            #expect(try await CurlRequest.send(port: port, path: "/").status == 404)
            #expect(try await CurlRequest.send(port: port, path: "/healthz/extra").status == 404)
            #expect(try await CurlRequest.send(port: port, path: "/metricsz").status == 404)
            for path in ["/healthz", "/readyz", "/metrics"] {
                let post = try await CurlRequest.send("POST", port: port, path: path, extraArguments: ["--data", "x=1"])
                #expect(post.status == 405, "POST \(path)")
                #expect(try await CurlRequest.send("DELETE", port: port, path: path).status == 405, "DELETE \(path)")
            }
            let head = try await CurlRequest.send("HEAD", port: port, path: "/healthz", extraArguments: ["--head"])
            #expect(head.status == 405)
        }
    }

    @Test func servesSeveralRequestsOnOneKeptAliveConnection() async throws {
        try await RunningHealthServer.with { port in
            // curl reuses its connection for URLs given together; the server must answer each in turn.
            let responses = try await CurlRequest.sendAll(port: port, paths: ["/healthz", "/metrics", "/nope", "/readyz"])
            #expect(responses.map(\.status) == [200, 200, 404, 200])
            #expect(responses.map(\.connectsOpened) == [1, 0, 0, 0])
            #expect(responses.last?.body == "ok")
        }
    }

    @Test func gracefulShutdownClosesTheListenerAndIdleConnections() async throws {
        let server = HealthServer(port: 0, readiness: { .ready }, logger: Logger(label: "test"), eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: server)], gracefulShutdownSignals: [], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let port = try await waitForValue("the health server to listen") { server.boundPort }
            // An idle client connection, as a Prometheus keeping its connection alive holds.
            let idle = try IdleConnection(port: port)
            defer { idle.close() }
            try await waitUntil("the server to answer") {
                (try? await CurlRequest.send(port: port, path: "/healthz"))?.status == 200
            }

            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
            #expect(server.boundPort == nil)
            #expect(try await CurlRequest.exitStatusConnecting(port: port) == 7)
            #expect(await idle.waitForEndOfStream())
        }
    }

    @Test func cancellingRunStopsTheServerToo() async throws {
        let server = HealthServer(port: 0, readiness: { .ready }, logger: Logger(label: "test"), eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
        let task = Task { try await server.run() }
        let port = try await waitForValue("the health server to listen") { server.boundPort }
        #expect(try await CurlRequest.send(port: port, path: "/healthz").status == 200)
        task.cancel()
        try await task.value
        let status = try await CurlRequest.exitStatusConnecting(port: port)
        #expect(status == 7)
    }

    @Test func aTakenPortIsAClearError() async throws {
        try await RunningHealthServer.with { port in
            let second = HealthServer(port: port, readiness: { .ready }, logger: Logger(label: "test"), eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
            await #expect(throws: HealthServerError.self) { try await second.run() }
        }
    }
}
