import Controller
import KubeClient
import Logging
import ServiceLifecycle
import StructuredData
import Synchronization
import TestSupport
import Testing

/// The Lease as a service of a ServiceGroup: graceful shutdown releases a held Lease, and stops
/// a campaign that is still waiting, without the Lease changing hands.
@Suite struct LeaseServiceTests {
    private func elector(_ identity: String, _ client: KubeClient, clock: ManualClock) -> LeaderElector {
        LeaderElector(
            client: client,
            configuration: LeaderElectionConfiguration(leaseName: "controller", namespace: "default", identity: identity),
            clock: clock)
    }

    private func holder(_ client: KubeClient) async throws -> String? {
        try await client.get(.leases, name: "controller", namespace: "default")["spec"]?["holderIdentity"]?.stringValue
    }

    @Test func shutdownReleasesAHeldLease() async throws {
        try await withEventSourceCluster { _, client in
            let elected = Mutex(0)
            let alpha = elector("alpha", client, clock: ManualClock())
            let group = ServiceGroup(
                services: [LeaseService(elector: alpha) { elected.withLock { $0 += 1 } }], logger: Logger(label: "lease-test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await waitUntil("alpha to lead and be told so") { alpha.isLeader && elected.withLock { $0 } == 1 }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(alpha.isLeader == false)
            #expect(try await holder(client) ?? "" == "", "released, so a standby need not wait for it to expire")
        }
    }

    @Test func shutdownStopsACampaignThatIsStillWaiting() async throws {
        try await withEventSourceCluster { _, client in
            let alpha = elector("alpha", client, clock: ManualClock())
            #expect(await alpha.tryAcquireOrRenew())
            let betaClock = ManualClock()
            let beta = elector("beta", client, clock: betaClock)
            let group = ServiceGroup(
                services: [LeaseService(elector: beta) { Issue.record("beta must not be elected") }], logger: Logger(label: "lease-test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await waitUntil("beta to wait for its next attempt") { betaClock.sleepers > 0 }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(try await holder(client) == "alpha")
        }
    }
}
