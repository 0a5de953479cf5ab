import AdapterModel
import Adapter
import Controller
import Logging
import Sinks
import TestSupport

/// A redis-server and a supervisor whose adapters read from it and deliver to the sink their
/// configuration names (stdout being /dev/null); afterwards every adapter is stopped and the
/// server too, whatever happens.
func withSupervisor(_ body: (AdapterSupervisor, RedisServer) async throws -> Void) async throws {
    let devNull = try DevNull()
    defer { devNull.close() }
    let redis = try await RedisServer()
    let supervisor = AdapterSupervisor { configuration in
        StreamAdapter(configuration: configuration, runtime: .forTests, logger: Logger(label: "controller-test")) {
            SinkFactory.makeSink($0.destination, runtime: .forTests, standardOutput: devNull.writer)
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
