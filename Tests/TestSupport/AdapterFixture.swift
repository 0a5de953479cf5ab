import Adapter
import AdapterModel
import EventSourceAPI
import Logging
import Sinks
import Synchronization

/// A real redis-server, a client for the test's own commands, and adapters that read from it.
public final class AdapterFixture: Sendable {
    public let redis: RedisServer
    public let client: RedisTestClient

    init(persistent: Bool = false, redisArguments: [String] = []) async throws {
        redis = try await RedisServer(persistent: persistent, arguments: redisArguments)
        client = RedisTestClient(port: redis.port, password: redisArguments.contains("--requirepass")
            ? redisArguments[redisArguments.firstIndex(of: "--requirepass")! + 1] : nil)
    }

    public func configuration(
        streams: [String] = ["FOO"], consumer: String = "test-consumer", password: String? = nil,
        username: String? = nil, count: Int = 10, blockTime: Duration = .milliseconds(200), sink: SinkSpec = SinkSpec(uri: "stdout")
    ) -> AdapterConfiguration {
        let source = RedisStreamEntry(
            hostAddress: HostAddress(host: "127.0.0.1", port: redis.port),
            password: password.map { _ in SecretKeySelector(name: "redis", key: "password") }, username: username,
            streams: streams, maxMsgCountPerRead: count)
        return AdapterConfiguration(
            namespace: "test", eventSourceName: "redis-stream", eventName: "example", source: source,
            password: password.map { SecretValue($0) }, sink: sink, consumerName: consumer,
            blockTime: blockTime)
    }

    private let started = Mutex<[StreamAdapter]>([])

    /// A started adapter; the fixture stops it at the end of the test. By default the sink is
    /// the one its configuration names (built on the adapter's own thread, as in production).
    public func startAdapter(
        _ configuration: AdapterConfiguration,
        makeSink: @escaping @Sendable (AdapterConfiguration) -> EventSink = { SinkFactory.makeSink($0.destination, runtime: .forTests) }
    ) -> StreamAdapter {
        let adapter = StreamAdapter(configuration: configuration, runtime: .forTests, logger: Logger(label: "test"), statsInterval: .milliseconds(100), makeSink: makeSink)
        started.withLock { $0.append(adapter) }
        adapter.start()
        return adapter
    }

    /// Runs a test body and always stops what the fixture started, even when the body throws.
    public static func with(
        persistent: Bool = false, redisArguments: [String] = [], _ body: (AdapterFixture) async throws -> Void
    ) async throws {
        let fixture = try await AdapterFixture(persistent: persistent, redisArguments: redisArguments)
        do {
            try await body(fixture)
        } catch {
            await fixture.shutdown()
            throw error
        }
        await fixture.shutdown()
    }

    public func waitForPhase(_ adapter: StreamAdapter, _ phase: AdapterPhase) async throws {
        try await waitUntil("phase \(phase), now \(adapter.status.snapshot.phase)") { adapter.status.snapshot.phase == phase }
    }

    public func shutdown() async {
        for adapter in started.withLock({ $0 }) { await adapter.stop() }
        await client.close()
        redis.stop()
    }
}
