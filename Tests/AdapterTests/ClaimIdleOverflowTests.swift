import EventSourceAPI
import Foundation
import Testing
import TestSupport
@testable import Adapter

/// Issue 13, item 1: reclaim computed `claimMinIdleSeconds * 1000` unchecked, so a huge value killed
/// the whole controller with SIGILL on every start. Validation now bounds the field; the arithmetic
/// saturates as well, so even a configuration built without validation cannot trap.
@Suite struct ClaimIdleOverflowTests {
    @Test func reclaimWithTheLargestIdleTimeDoesNotTrap() async throws {
        let redis = try await RedisServer()
        defer { redis.stop() }
        let client = RedisTestClient(port: redis.port)
        _ = try await client.command("XGROUP", "CREATE", "S", "g", "$", "MKSTREAM")
        await client.close()
        let loop = AdapterRuntime.forTests.eventLoops.next()
        let outcome = await EventLoopIsolation(loop: loop).run { isolation -> Result<[String: Int], RedisError> in
            let connector = RedisConnector(
                address: HostAddress(host: "127.0.0.1", port: redis.port), db: 0, username: nil, password: nil, tls: nil,
                connectTimeout: TestTimeouts.request, commandTimeout: TestTimeouts.request)
            do throws(RedisError) {
                let connection = try await connector.open(on: loop, isolation: isolation)
                defer { connection.close() }
                for seconds in [9_223_372_036_854_776, Int.max] {
                    let queries = ConsumerGroupQueries(
                        streams: ["S"], group: "g", consumer: "c", claimMinIdleSeconds: seconds, timeout: TestTimeouts.request)
                    _ = try await queries.claimAbandoned(in: ["S"], over: connection, isolation: isolation)
                }
                return .success([:])
            } catch {
                return .failure(error)
            }
        }
        #expect(try outcome.get().isEmpty)
    }
}
