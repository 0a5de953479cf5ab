import KubeClient
import KubeTestServer
import StructuredData
import Synchronization
import TestSupport
import Testing

/// Leader election on a Lease. Every elector runs on a `ManualClock` of its own with client-go's
/// real durations (15 s lease, 10 s renew deadline, 2 s retry period): lease expiry, renew
/// deadlines and retry pacing happen when the test advances the clock, not with real time.
@Suite struct LeaderElectorTests {
    private let leaseDuration = Duration.seconds(15)
    private let renewDeadline = Duration.seconds(10)
    private let retryPeriod = Duration.seconds(2)

    private func elector(_ identity: String, _ client: KubeClient, clock: ManualClock) -> LeaderElector {
        LeaderElector(
            client: client,
            configuration: LeaderElectionConfiguration(
                leaseName: "controller", namespace: "default", identity: identity, leaseDuration: leaseDuration,
                renewDeadline: renewDeadline, retryPeriod: retryPeriod),
            clock: clock)
    }

    private func lease(_ client: KubeClient) async throws -> JSONValue {
        try await client.get(.leases, name: "controller", namespace: "default")
    }

    /// Moves `clock` on by `step` each time something sleeps on it, until `condition` holds.
    private func advance(
        _ clock: ManualClock, by step: Duration, until what: String, _ condition: @escaping @Sendable () async throws -> Bool
    ) async throws {
        try await waitUntil(what, timeout: .seconds(60)) {
            if try await condition() { return true }
            if clock.sleepers > 0 { clock.advance(by: step) }
            return false
        }
    }

    @Test func aLoneCandidateCreatesTheLeaseAndLeads() async throws {
        try await withTestServer { _, client in
            let elector = elector("alpha", client, clock: ManualClock())
            #expect(await elector.tryAcquireOrRenew())
            #expect(elector.isLeader)
            let spec = try await lease(client)["spec"]
            #expect(spec?["holderIdentity"] == "alpha")
            #expect(spec?["leaseDurationSeconds"] == 15)
            #expect(spec?["leaseTransitions"] == 0)
            #expect(spec?["renewTime"]?.stringValue?.contains(".") == true)
            #expect(await elector.tryAcquireOrRenew(), "the holder renews")
            #expect(try await lease(client)["spec"]?["leaseTransitions"] == 0)
        }
    }

    /// alpha takes the lease; beta, on a clock of its own, tries and sees alpha holding it.
    private func alphaLeadsAndBetaWatches(_ client: KubeClient) async throws -> (LeaderElector, LeaderElector, ManualClock) {
        let betaClock = ManualClock()
        let alpha = elector("alpha", client, clock: ManualClock())
        let beta = elector("beta", client, clock: betaClock)
        try #require(await alpha.tryAcquireOrRenew())
        try #require(await beta.tryAcquireOrRenew() == false)
        return (alpha, beta, betaClock)
    }

    @Test func aHeldLeaseIsTakenExactlyWhenALeaseDurationHasPassedOnTheCandidatesClock() async throws {
        try await withTestServer { _, client in
            let (_, beta, betaClock) = try await alphaLeadsAndBetaWatches(client)
            #expect(beta.observedLeader == "alpha")
            // alpha stops renewing; beta counts the lease duration from when it first saw this lease.
            betaClock.advance(by: leaseDuration - .milliseconds(1))
            #expect(await beta.tryAcquireOrRenew() == false, "not yet expired")
            betaClock.advance(by: .milliseconds(1))
            #expect(await beta.tryAcquireOrRenew())
            let spec = try await lease(client)["spec"]
            #expect(spec?["holderIdentity"] == "beta")
            #expect(spec?["leaseTransitions"] == 1)
        }
    }

    @Test func aRenewedLeaseStartsTheCandidatesCountAgain() async throws {
        try await withTestServer { _, client in
            let (alpha, beta, betaClock) = try await alphaLeadsAndBetaWatches(client)
            betaClock.advance(by: leaseDuration - .seconds(1))
            #expect(await alpha.tryAcquireOrRenew(), "alpha renews: the lease changes")
            #expect(await beta.tryAcquireOrRenew() == false)
            betaClock.advance(by: .seconds(1))
            #expect(await beta.tryAcquireOrRenew() == false, "a lease duration since the renewal has not passed")
        }
    }

    @Test func racingTakeoversHaveExactlyOneWinner() async throws {
        try await withTestServer { _, client in
            let electors = (0..<4).map { elector("candidate-\($0)", client, clock: ManualClock()) }
            let results = await withTaskGroup(of: Bool.self) { group in
                for elector in electors { group.addTask { await elector.tryAcquireOrRenew() } }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.filter { $0 }.count == 1)
            let holder = try await lease(client)["spec"]?["holderIdentity"]?.stringValue
            #expect(electors.filter(\.isLeader).map(\.configuration.identity) == [holder])
        }
    }

    @Test func aCandidateRetriesAfterAJitteredRetryPeriod() async throws {
        try await withTestServer { _, client in
            let alpha = elector("alpha", client, clock: ManualClock())
            #expect(await alpha.tryAcquireOrRenew())
            let betaClock = ManualClock()
            let beta = elector("beta", client, clock: betaClock)
            let betaRun = Task { try await beta.run {} }
            defer { betaRun.cancel() }
            try await advance(betaClock, by: retryPeriod, until: "beta to have waited three times") {
                betaClock.requestedSleeps.count >= 3
            }
            // client-go's wait.Jitter(retryPeriod, 1.2): between 1x and 2.2x the period.
            for sleep in betaClock.requestedSleeps.prefix(3) {
                #expect(sleep >= retryPeriod && sleep <= retryPeriod * 2.2, "\(sleep)")
            }
            #expect(beta.isLeader == false)
        }
    }

    @Test func cancellingTheLeaderReleasesTheLeaseForTheNextCandidate() async throws {
        try await withTestServer { _, client in
            let alphaClock = ManualClock()
            let betaClock = ManualClock()
            let alpha = elector("alpha", client, clock: alphaClock)
            let beta = elector("beta", client, clock: betaClock)
            let working = Names()
            let alphaRun = Task {
                try await alpha.run {
                    working.append("alpha")
                    try await alphaClock.sleep(for: .seconds(600))
                }
            }
            try await waitUntil("alpha to lead") { alpha.isLeader }
            let betaRun = Task {
                try await beta.run {
                    working.append("beta")
                }
            }
            try await waitUntil("beta to wait for its next attempt") { betaClock.sleepers > 0 }
            alphaRun.cancel()
            _ = try? await alphaRun.value
            // The lease is free at once: beta's next attempt takes it without a lease duration passing.
            #expect(try await lease(client)["spec"]?["holderIdentity"]?.stringValue ?? "" == "")
            try await advance(betaClock, by: retryPeriod * 2.2, until: "beta to lead and finish") { working.all.count == 2 }
            #expect(try await betaRun.value == .workFinished)
            #expect(working.all == ["alpha", "beta"])
            #expect(try await lease(client)["spec"]?["leaseTransitions"]?.intValue ?? 0 >= 1)
        }
    }

    @Test func aLeaderThatCannotRenewStepsDownAfterTheRenewDeadline() async throws {
        try await withTestServer { server, client in
            let clock = ManualClock()
            let alpha = elector("alpha", client, clock: clock)
            let outcome = Task {
                try await alpha.run { try await clock.sleep(for: .seconds(600)) }
            }
            try await waitUntil("alpha to lead") { alpha.isLeader }
            server.faults = FaultSettings(errorFraction: 1)
            let failing = server.statistics.injectedErrors
            try await advance(clock, by: .milliseconds(500), until: "alpha to step down") { !alpha.isLeader }
            #expect(try await outcome.value == .lostLeadership)
            // It kept trying until the deadline: one attempt per retry period within the renew deadline.
            #expect(server.statistics.injectedErrors - failing >= 2)
            #expect(clock.now.offset >= retryPeriod + renewDeadline, "it gave up only once the renew deadline had passed")
        }
    }

    @Test func aLeaderWhoseLeaseIsTakenStepsDown() async throws {
        try await withTestServer { _, client in
            let clock = ManualClock()
            let alpha = elector("alpha", client, clock: clock)
            let outcome = Task {
                try await alpha.run { try await clock.sleep(for: .seconds(600)) }
            }
            try await waitUntil("alpha to lead") { alpha.isLeader }
            // Someone else writes the lease as theirs, freshly renewed.
            var current = try await lease(client)
            current["spec"]?["holderIdentity"] = "usurper"
            _ = try await client.update(.leases, current)
            try await advance(clock, by: .milliseconds(500), until: "alpha to step down") { !alpha.isLeader }
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
