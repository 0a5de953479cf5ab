import StructuredData
import Testing
@testable import Reconciler

@Suite struct ShardMembershipTests {
    private let prefix = "redis-eventsource-controller-"

    private func lease(_ replica: String, holder: String? = nil, renewTime: String = "2026-01-01T00:00:00.000000Z", seconds: Int64 = 15)
        -> JSONValue
    {
        [
            "metadata": ["name": .string(prefix + replica)],
            "spec": [
                "holderIdentity": .string(holder ?? replica), "leaseDurationSeconds": .int(seconds), "renewTime": .string(renewTime),
            ],
        ]
    }

    /// A test clock: seconds since the membership was made, passed in by hand.
    private func at(_ seconds: Int) -> Duration { .seconds(seconds) }

    @Test func replicasRenewingStayAliveAndOneThatStopsExpiresAfterItsLeaseDurationOnOurClock() {
        var membership = ShardMembership(identity: "pod-a", leasePrefix: prefix, defaultLeaseDuration: .seconds(15))
        _ = membership.replaceAll([lease("pod-a"), lease("pod-b"), lease("pod-c")], now: at(0))
        #expect(membership.live(now: at(0)) == ["pod-a", "pod-b", "pod-c"])
        // pod-b renews every 5 s; pod-c never again.
        for second in stride(from: 5, through: 30, by: 5) {
            _ = membership.observe(lease("pod-b", renewTime: "2026-01-01T00:00:\(second).000000Z"), now: at(second))
        }
        #expect(membership.live(now: at(14)) == ["pod-a", "pod-b", "pod-c"])
        #expect(membership.live(now: at(15)) == ["pod-a", "pod-b"])
        #expect(membership.live(now: at(30)) == ["pod-a", "pod-b"])
        // This replica counts itself alive whatever its Lease shows.
        #expect(membership.live(now: at(100)) == ["pod-a"])
    }

    @Test func clocksThatDisagreeBySecondsOrHoursChangeNothing() {
        var membership = ShardMembership(identity: "pod-a", leasePrefix: prefix, defaultLeaseDuration: .seconds(15))
        // pod-b's clock runs an hour fast, pod-c's an hour slow: their renewTimes say nothing about our now.
        _ = membership.replaceAll(
            [lease("pod-b", renewTime: "2026-01-01T01:00:00.000000Z"), lease("pod-c", renewTime: "2025-12-31T23:00:00.000000Z")],
            now: at(0))
        for second in stride(from: 2, through: 40, by: 2) {
            _ = membership.observe(lease("pod-b", renewTime: "2026-01-01T01:00:\(second).000000Z"), now: at(second))
            _ = membership.observe(lease("pod-c", renewTime: "2025-12-31T23:00:\(second).000000Z"), now: at(second))
        }
        #expect(membership.live(now: at(41)) == ["pod-a", "pod-b", "pod-c"])
        // The same renewTime seen again is no renewal, however new it claims to be.
        _ = membership.observe(lease("pod-b", renewTime: "2026-01-01T01:00:40.000000Z"), now: at(50))
        _ = membership.observe(lease("pod-c", renewTime: "2025-12-31T23:00:50.000000Z"), now: at(50))
        #expect(membership.live(now: at(56)) == ["pod-a", "pod-c"])
    }

    @Test func aReleasedOrDeletedLeaseLeavesAtOnce() {
        var membership = ShardMembership(identity: "pod-a", leasePrefix: prefix, defaultLeaseDuration: .seconds(15))
        _ = membership.replaceAll([lease("pod-b"), lease("pod-c")], now: at(0))
        #expect(membership.observe(lease("pod-b", holder: ""), now: at(1)) == .left("pod-b"))
        membership.remove(lease("pod-c"))
        #expect(membership.live(now: at(2)) == ["pod-a"])
        // A relist without a Lease drops it too.
        _ = membership.replaceAll([lease("pod-d")], now: at(3))
        _ = membership.replaceAll([], now: at(4))
        #expect(membership.live(now: at(4)) == ["pod-a"])
    }

    @Test func aLeaseHeldByANameThatIsNotItsReplicaIsIgnoredWithAReason() {
        var membership = ShardMembership(identity: "pod-a", leasePrefix: prefix, defaultLeaseDuration: .seconds(15))
        let verdicts = membership.replaceAll(
            [lease("pod-b", holder: "intruder"), ["metadata": ["name": "something-else"], "spec": ["holderIdentity": "x"]], lease("pod-c")],
            now: at(0))
        #expect(verdicts.count == 2)
        guard case .notAReplica(let note) = verdicts.first else {
            Issue.record("expected the foreign holder to be refused")
            return
        }
        #expect(note.contains("intruder") && note.contains("pod-b"))
        #expect(membership.live(now: at(1)) == ["pod-a", "pod-c"])
    }

    @Test func aLeaseWithoutADurationExpiresAfterTheDefault() {
        var membership = ShardMembership(identity: "pod-a", leasePrefix: prefix, defaultLeaseDuration: .seconds(4))
        _ = membership.replaceAll([lease("pod-b", seconds: 0)], now: at(0))
        #expect(membership.live(now: at(3)) == ["pod-a", "pod-b"])
        #expect(membership.live(now: at(4)) == ["pod-a"])
        #expect(membership.nextExpiry(after: at(0)) == at(4))
    }
}
