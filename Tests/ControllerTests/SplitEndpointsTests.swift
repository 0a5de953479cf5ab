import Adapter
import Controller
import Logging
import Testing
import TestSupport

/// `--metrics-port`: metrics on a listener of their own, probes on the other, each answering only its paths.
@Suite struct SplitEndpointsTests {
    @Test func aMetricsOnlyServerAnswersMetricsAndNothingElse() async throws {
        let server = HealthServer(
            port: 0, readiness: { .ready }, endpoints: [.metrics], logger: Logger(label: "test"),
            eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
        try await RunningHealthServer.with(server) { port in
            let metrics = try await CurlRequest.send(port: port, path: "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.contentType == MetricsExposition.contentType)
            #expect(try await CurlRequest.send(port: port, path: "/healthz").status == 404)
            #expect(try await CurlRequest.send(port: port, path: "/readyz").status == 404)
        }
    }

    @Test func aProbesOnlyServerHidesMetrics() async throws {
        let server = HealthServer(
            port: 0, readiness: { .notReady(reason: "not yet") }, endpoints: [.healthz, .readyz],
            logger: Logger(label: "test"), eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
        try await RunningHealthServer.with(server) { port in
            let healthz = try await CurlRequest.send(port: port, path: "/healthz")
            let readyz = try await CurlRequest.send(port: port, path: "/readyz")
            let metrics = try await CurlRequest.send(port: port, path: "/metrics")
            #expect(healthz.status == 200)
            #expect(readyz.status == 503)
            #expect(metrics.status == 404)
        }
    }
}
