@testable import Adapter
import AdapterModel
import EventSourceAPI
import Sinks
import TestSupport

/// One connection attempt through `RedisClient` (the adapters' `RedisConnector` and NIO pipe,
/// waited on from a thread of its own) to 127.0.0.1, with a PING so a TLS handshake has to finish:
/// the error it ended with, or nil when it connected and was answered.
enum BlockingConnectAttempt {
    static func failure(port: Int, tls: TLSMaterial?) async -> RedisError? {
        await DedicatedThread.run {
            do throws(RedisError) {
                let client = try RedisClient(
                    address: HostAddress(host: "127.0.0.1", port: port), tls: tls, timeout: .seconds(30),
                    eventLoops: AdapterRuntime.forTests.eventLoops)
                defer { client.close() }
                try client.command("PING")
                return nil
            } catch {
                return error
            }
        }
    }
}
