import KubeClient
import KubeTestServer
import StructuredData
import Synchronization
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

    @Test func throttlingWaitsTheRetryAfterTheServerAsksForBeforeEachRetry() async throws {
        let clock = ManualClock()
        var policy = RetryPolicy.fastForTests
        policy.clock = AnyClock(clock)
        try await withTestServer(retryPolicy: policy) { server, client in
            server.faults = FaultSettings(throttleFraction: 1, retryAfterSeconds: 1)
            let request = Task { await kubeError { _ = try await client.list(.configMaps) } }
            for attempt in 1..<policy.maxAttempts {
                try await waitUntil("the wait after attempt \(attempt)") { clock.requestedSleeps.count == attempt }
                // Nothing is sent again while the client waits.
                #expect(server.statistics.injectedThrottles == attempt)
                clock.advance(by: .seconds(1))
            }
            let failure = await request.value
            guard case .tooManyRequests(let status, let retryAfter)? = failure else {
                Issue.record("expected 429, got \(String(describing: failure))")
                return
            }
            #expect(status.code == 429)
            #expect(retryAfter == .seconds(1))
            #expect(server.statistics.injectedThrottles == policy.maxAttempts)
            #expect(clock.requestedSleeps == Array(repeating: .seconds(1), count: policy.maxAttempts - 1))
        }
    }

    @Test func occasionalThrottlingIsRiddenOut() async throws {
        try await withTestServer(retryPolicy: patient) { server, client in
            server.faults = FaultSettings(throttleFraction: 0.3, retryAfterSeconds: 1)
            for index in 0..<30 { _ = try await client.create(.configMaps, configMap("cm\(index)")) }
            #expect(server.statistics.injectedThrottles > 0)
        }
    }

    @Test func latencyHoldsBackAnAnswerTheServerHasAlreadyHandled() async throws {
        try await withTestServer { server, client in
            let handled = server.statistics.requests
            server.faults = FaultSettings(latencyMilliseconds: 8000)
            let answered = Mutex(false)
            let request = Task {
                _ = try await client.create(.configMaps, configMap("slow"))
                answered.withLock { $0 = true }
            }
            try await waitUntil("the server to handle the request") { server.statistics.requests > handled }
            #expect(answered.withLock { $0 } == false, "the answer waits out the latency")
            try await request.value
            #expect(answered.withLock { $0 })
        }
    }
}
