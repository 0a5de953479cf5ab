import Adapter
import Controller
import EventSourceAPI
import Logging
import Sinks
import TestSupport

/// A redis-server and a supervisor whose adapters read from it and print to stdout; afterwards
/// every adapter is stopped and the server too, whatever happens.
func withSupervisor(_ body: (AdapterSupervisor, RedisServer) async throws -> Void) async throws {
    let redis = try await RedisServer()
    let supervisor = AdapterSupervisor { configuration in
        StreamAdapter(configuration: configuration, logger: Logger(label: "controller-test")) { _ in
            SinkFactory.makeSink(spec: SinkSpec(uri: "stdout"))
        }
    }
    do {
        try await body(supervisor, redis)
    } catch {
        _ = await supervisor.stopAll()
        redis.stop()
        throw error
    }
    _ = await supervisor.stopAll()
    redis.stop()
}
