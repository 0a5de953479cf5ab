import KubeClient
import KubeTestServer
import StructuredData
import Synchronization
import TestSupport
import Testing

/// Leader election on a Lease, with short durations so hand-overs happen within a test.
@Suite struct LeaderElectorTests {
    private func configuration(_ identity: String) -> LeaderElectionConfiguration {
        LeaderElectionConfiguration(
            leaseName: "controller", namespace: "default", identity: identity, leaseDuration: .seconds(2),
            renewDeadline: .milliseconds(1500), retryPeriod: .milliseconds(200))
    }

    private func lease(_ client: KubeClient) async throws -> JSONValue {
        try await client.get(.leases, name: "controller", namespace: "default")
    }

    @Test func aLoneCandidateCreatesTheLeaseAndLeads() async throws {
        try await withTestServer { _, client in
            let elector = LeaderElector(client: client, configuration: configuration("alpha"))
            #expect(await elector.tryAcquireOrRenew())
            #expect(elector.isLeader)
            let spec = try await lease(client)["spec"]
            #expect(spec?["holderIdentity"] == "alpha")
            #expect(spec?["leaseDurationSeconds"] == 2)
            #expect(spec?["leaseTransitions"] == 0)
            #expect(spec?["renewTime"]?.stringValue?.contains(".") == true)
            #expect(await elector.tryAcquireOrRenew(), "the holder renews")
            #expect(try await lease(client)["spec"]?["leaseTransitions"] == 0)
        }
    }

    @Test func aHeldLeaseIsNotTakenUntilItExpires() async throws {
        try await withTestServer { _, client in
            let alpha = LeaderElector(client: client, configuration: configuration("alpha"))
            let beta = LeaderElector(client: client, configuration: configuration("beta"))
            #expect(await alpha.tryAcquireOrRenew())
            #expect(await beta.tryAcquireOrRenew() == false)
            #expect(beta.observedLeader == "alpha")
            // alpha stops renewing; beta takes over once a lease duration has passed on its own clock.
            try await waitUntil("beta to take the expired lease", timeout: .seconds(30)) { await beta.tryAcquireOrRenew() }
            let spec = try await lease(client)["spec"]
            #expect(spec?["holderIdentity"] == "beta")
            #expect(spec?["leaseTransitions"] == 1)
        }
    }

    @Test func racingTakeoversHaveExactlyOneWinner() async throws {
        try await withTestServer { _, client in
            let electors = (0..<4).map { LeaderElector(client: client, configuration: configuration("candidate-\($0)")) }
            let results = await withTaskGroup(of: Bool.self) { group in
                for elector in electors { group.addTask { await elector.tryAcquireOrRenew() } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            let holder = try await lease(client)["spec"]?["holderIdentity"]?.stringValue
            #expect(electors.filter(\.isLeader).map(\.configuration.identity) == [holder])
        }
    }

    @Test func cancellingTheLeaderReleasesTheLeaseForTheNextCandidate() async throws {
        try await withTestServer { _, client in
            let alpha = LeaderElector(client: client, configuration: configuration("alpha"))
            let beta = LeaderElector(client: client, configuration: configuration("beta"))
            let working = Names()
            let alphaRun = Task {
                try await alpha.run {
                    working.append("alpha")
                    try await Task.sleep(for: .seconds(600))
                }
            }
            try await waitUntil("alpha to lead") { alpha.isLeader }
            let betaRun = Task {
                try await beta.run {
                    working.append("beta")
                }
            }
            alphaRun.cancel()
            _ = try? await alphaRun.value
            #expect(try await betaRun.value == .workFinished)
            #expect(working.all == ["alpha", "beta"])
            #expect(try await lease(client)["spec"]?["leaseTransitions"]?.intValue ?? 0 >= 1)
        }
    }

    @Test func aLeaderThatCannotRenewStepsDown() async throws {
        try await withTestServer { server, client in
            let alpha = LeaderElector(client: client, configuration: configuration("alpha"))
            let outcome = Task {
                try await alpha.run { try await Task.sleep(for: .seconds(600)) }
            }
            try await waitUntil("alpha to lead") { alpha.isLeader }
            server.faults = FaultSettings(errorFraction: 1)
            #expect(try await outcome.value == .lostLeadership)
            #expect(alpha.isLeader == false)
        }
    }

    @Test func aLeaderWhoseLeaseIsTakenStepsDown() async throws {
        try await withTestServer { _, client in
            let alpha = LeaderElector(client: client, configuration: configuration("alpha"))
            let outcome = Task {
                try await alpha.run { try await Task.sleep(for: .seconds(600)) }
            }
            try await waitUntil("alpha to lead") { alpha.isLeader }
            // Someone else writes the lease as theirs, freshly renewed, again and again.
            let usurper = Task {
                while !Task.isCancelled {
                    if var current = try? await lease(client) {
                        current["spec"]?["holderIdentity"] = "usurper"
                        current["spec"]?["renewTime"] = .string("\(ContinuousClock.now)")
                        _ = try? await client.update(.leases, current)
                    }
                    try? await Task.sleep(for: .milliseconds(50))
                }
            }
            defer { usurper.cancel() }
            #expect(try await outcome.value == .lostLeadership)
        }
    }
}

/// Who did some work, in order, from whichever task.
final class Names: Sendable {
    private let names = Mutex<[String]>([])
    func append(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}
