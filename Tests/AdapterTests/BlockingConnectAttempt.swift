@testable import Adapter
import EventSourceAPI
import Sinks
import TestSupport

/// One connection attempt through the blocking `RedisConnector` (TCPSocket, TLSTransport) to
/// 127.0.0.1, on a thread of its own: the error it ended with, or nil when it connected.
enum BlockingConnectAttempt {
    static func failure(port: Int, tls: TLSMaterial?) async -> RedisError? {
        let connector = RedisConnector(
            address: HostAddress(host: "127.0.0.1", port: port), db: 0, username: nil, password: nil, tls: tls,
            connectTimeout: .seconds(30), commandTimeout: .seconds(30))
        return await DedicatedThread.run {
            do throws(RedisError) {
                _ = try connector.connect(stop: StopSignal())
                return nil
            } catch {
                return error
            }
        }
    }
}
