import Adapter
import AdapterModel
import Controller
import EventSourceAPI
import Foundation
import Glibc
import Logging
import Sinks
import Testing
import TestSupport

/// The server in front of real adapters reading a real redis-server, as the standalone `run` has it.
@Suite struct AdapterHealthTests {
    @Test func readinessAndMetricsFollowARealAdapter() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisTestClient(port: redis.port)
        let devNull = try DevNull()
        defer { devNull.close() }
        MetricsBootstrap.bootstrap()

        let name = "live-\(UUID().uuidString.prefix(8))"
        let adapter = StreamAdapter(
            configuration: configuration(name: name, redisPort: redis.port), runtime: .forTests, logger: Logger(label: "test"),
            statsInterval: .milliseconds(100)
        ) { configuration in
            SinkFactory.makeSink(configuration.destination, runtime: .forTests, standardOutput: devNull.writer)
        }
        let server = HealthServer(port: 0, adapters: [adapter], logger: Logger(label: "test"), eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)
        do {
            try await RunningHealthServer.with(server) { port in
                // Not started yet: the adapter is still Connecting.
                let before = try await CurlRequest.send(port: port, path: "/readyz")
                #expect(before.status == 503)
                #expect(before.body.contains("test/\(name)/example is Connecting"))

                // The group exists before the entry is added, so the adapter reads it as new.
                try await client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                adapter.start()
                try await waitUntil("/readyz to say ready") {
                    try await CurlRequest.send(port: port, path: "/readyz").status == 200
                }

                _ = try await client.xadd("FOO", [("message", "hello")])
                let labels = "namespace=\"test\",eventsource_name=\"\(name)\",event_name=\"example\""
                let identity = labels
                let expected = [
                    "argo_events_events_sent_total{\(labels)} 1",
                    "argo_events_event_processing_duration_milliseconds_count{\(labels)} 1",
                    "redis_eventsource_connected{\(labels)} 1.0",
                    "redis_eventsource_pending_entries{\(identity),stream=\"FOO\"} 0",
                    "redis_eventsource_group_lag{\(identity),stream=\"FOO\"} 0",
                    "redis_eventsource_adapter_phase{\(identity),phase=\"Consuming\"} 1",
                ]
                var lines: [String] = []
                try await waitUntil("the forwarded event in /metrics") {
                    lines = try await CurlRequest.send(port: port, path: "/metrics").lines
                    return expected.allSatisfy(lines.contains)
                }
                #expect(lines.contains("argo_events_events_sent_failed_total{\(labels)} 0"))
                #expect(lines.contains("argo_events_events_processing_failed_total{\(labels)} 0"))

                await adapter.stop()
                let after = try await CurlRequest.send(port: port, path: "/readyz")
                #expect(after.status == 503)
                #expect(after.body.contains("is Stopped"))
            }
        } catch {
            await adapter.stop()
            await client.close()
            throw error
        }
        await client.close()
    }

    @Test func anAdapterThatCannotConnectIsNotReady() async throws {
        MetricsBootstrap.bootstrap()
        let reserved = try ReservedPort()
        defer { reserved.close() }
        let closedPort = reserved.port
        let devNull = try DevNull()
        defer { devNull.close() }
        let name = "unreachable-\(UUID().uuidString.prefix(8))"
        let adapter = StreamAdapter(
            configuration: configuration(name: name, redisPort: closedPort), runtime: .forTests, logger: Logger(label: "test")
        ) { configuration in
            SinkFactory.makeSink(configuration.destination, runtime: .forTests, standardOutput: devNull.writer)
        }
        adapter.start()
        do {
            try await RunningHealthServer.with(HealthServer(port: 0, adapters: [adapter], logger: Logger(label: "test"), eventLoopGroup: AdapterRuntime.forTests.serverEventLoops)) {
                port in
                try await waitUntil("the connection error in /readyz") {
                    let response = try await CurlRequest.send(port: port, path: "/readyz")
                    return response.status == 503 && response.body.contains("is Connecting (")
                }
                let lines = try await CurlRequest.send(port: port, path: "/metrics").lines
                #expect(lines.contains("redis_eventsource_connected{namespace=\"test\",eventsource_name=\"\(name)\",event_name=\"example\"} 0.0"))
                #expect(!lines.contains { $0.hasPrefix("redis_eventsource_pending_entries{namespace=\"test\",eventsource_name=\"\(name)\"") })
            }
        } catch {
            await adapter.stop()
            throw error
        }
        await adapter.stop()
    }

    private func configuration(name: String, redisPort: Int) -> AdapterConfiguration {
        let source = RedisStreamEntry(
            hostAddress: HostAddress(host: "127.0.0.1", port: redisPort), streams: ["FOO"], maxMsgCountPerRead: 10)
        return AdapterConfiguration(
            namespace: "test", eventSourceName: name, eventName: "example", source: source,
            sink: SinkSpec(uri: "stdout"), consumerName: "health-test", blockTime: .milliseconds(200))
    }
}
