import KubeClient
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// Injected server failures, as the client sees them.
@Suite struct FaultInjectionTests {
    @Test func persistentServerErrorsAreRetriedThenReported() async throws {
        try await withTestServer { server, client in
            server.faults = FaultSettings(errorFraction: 1)
            await #expect { _ = try await client.list(.configMaps) } throws: { error in
                guard case .server(let status) = error as? KubeError else { return false }
                return status.code == 500 && status.reason == "InternalError"
            }
            #expect(server.statistics.injectedErrors == client.retryPolicy.maxAttempts)
        }
    }

    /// Enough tries that a 30% failure rate cannot plausibly beat them all (0.3^12 per request).
    private let patient = RetryPolicy(maxAttempts: 12, backoff: .fastForTests, maximumRetryAfter: .milliseconds(50))

    @Test func occasionalServerErrorsAreRiddenOut() async throws {
        try await withTestServer(retryPolicy: patient) { server, client in
            server.faults = FaultSettings(errorFraction: 0.3)
            // 30 requests: all passing untouched at a 30% fault rate has odds of 0.7^30.
            for index in 0..<30 {
                _ = try await client.create(.configMaps, configMap("cm\(index)"))
            }
            server.faults = .none
            #expect(try await client.list(.configMaps, namespace: "default").items.count == 30)
            #expect(server.statistics.injectedErrors > 0)
        }
    }

    @Test func throttlingHonoursRetryAfter() async throws {
        try await withTestServer { server, client in
            server.faults = FaultSettings(throttleFraction: 1, retryAfterSeconds: 1)
            let started = ContinuousClock.now
            let failure = await kubeError { _ = try await client.list(.configMaps) }
            guard case .tooManyRequests(let status, let retryAfter)? = failure else {
                Issue.record("expected 429, got \(String(describing: failure))")
                return
            }
            #expect(status.code == 429)
            #expect(retryAfter == .seconds(1))
            #expect(server.statistics.injectedThrottles == client.retryPolicy.maxAttempts)
            // Each retry waited the full second the server asked for (a lower bound only).
            #expect(ContinuousClock.now - started >= .seconds(client.retryPolicy.maxAttempts - 1))
        }
    }

    @Test func occasionalThrottlingIsRiddenOut() async throws {
        try await withTestServer(retryPolicy: patient) { server, client in
            server.faults = FaultSettings(throttleFraction: 0.3, retryAfterSeconds: 1)
            for index in 0..<30 { _ = try await client.create(.configMaps, configMap("cm\(index)")) }
            #expect(server.statistics.injectedThrottles > 0)
        }
    }

    @Test func latencyDelaysEveryAnswer() async throws {
        try await withTestServer { server, client in
            server.faults = FaultSettings(latencyMilliseconds: 300)
            let started = ContinuousClock.now
            _ = try await client.create(.configMaps, configMap("slow"))
            _ = try await client.get(.configMaps, name: "slow")
            #expect(ContinuousClock.now - started >= .milliseconds(600))
        }
    }
}
