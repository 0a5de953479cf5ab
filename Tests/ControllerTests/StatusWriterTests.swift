import Controller
import KubeClient
import KubeTestServer
import Reconciler
import StructuredData
import TestSupport
import Testing

/// The status writer against a real kube-testserver, on a clock the test moves: transitions at
/// once, counters at most once per interval and N per second overall, nothing as a non-leader.
@Suite struct StatusWriterTests {
    private let key = ObjectKey(namespace: "default", name: "orders")

    private func status(phase: String, forwarded: Int64) -> JSONValue {
        [
            "conditions": [["type": "Ready", "status": .string(phase == "Running" ? "True" : "False"), "reason": .string(phase)]],
            "sources": ["example": ["phase": .string(phase), "forwarded": .int(forwarded)]],
        ]
    }

    private func writer(_ client: KubeClient, leading: Bool = true, perSecond: Double = 20, clock: ManualClock) -> StatusWriter {
        StatusWriter(
            client: client, leadership: Leadership(leading: leading), counterInterval: .seconds(10), writesPerSecond: perSecond,
            fieldManager: "status-writer-test", clock: clock)
    }

    private func created(_ client: KubeClient, _ name: String = "orders") async throws -> JSONValue {
        try await client.create(EventSourceResource.eventSources, eventSourceObject(name, redisPort: 6379, events: ["example": ["s"]]))
    }

    private func serverStatus(_ client: KubeClient, _ name: String = "orders") async throws -> JSONValue? {
        try await client.get(EventSourceResource.eventSources, name: name, namespace: "default")["status"]
    }

    @Test func aTransitionIsWrittenAtOnceAndTheSameStatusNotAgain() async throws {
        try await withEventSourceCluster { _, client in
            let writer = writer(client, clock: ManualClock())
            let object = try await created(client)
            #expect(try await writer.submit(status(phase: "Running", forwarded: 0), for: key, current: object) == .written)
            #expect(try await serverStatus(client)?["sources"]?["example"]?["phase"] == "Running")
            #expect(try await writer.submit(status(phase: "Running", forwarded: 0), for: key, current: object) == .unchanged)
            #expect(try await writer.submit(status(phase: "Failed", forwarded: 0), for: key, current: object) == .written)
            #expect(await writer.writes == 2)
        }
    }

    @Test func aCounterChangeWaitsForTheRestOfTheIntervalThenIsWritten() async throws {
        try await withEventSourceCluster { _, client in
            let clock = ManualClock()
            let writer = writer(client, clock: clock)
            let object = try await created(client)
            _ = try await writer.submit(status(phase: "Running", forwarded: 0), for: key, current: object)
            clock.advance(by: .seconds(4))
            #expect(try await writer.submit(status(phase: "Running", forwarded: 5), for: key, current: object) == .deferred(.seconds(6)))
            #expect(try await serverStatus(client)?["sources"]?["example"]?["forwarded"] == 0)
            clock.advance(by: .seconds(6))
            #expect(try await writer.submit(status(phase: "Running", forwarded: 7), for: key, current: object) == .written)
            #expect(try await serverStatus(client)?["sources"]?["example"]?["forwarded"] == 7)
        }
    }

    /// The reconciler renders against the cached object, which may not show our last write yet, so
    /// an unchanged condition comes with a new transition time: that is no transition, the counter
    /// write still waits, and the time already written stays.
    @Test func aNewTransitionTimeFromAStaleCacheIsNoTransition() async throws {
        try await withEventSourceCluster { _, client in
            let clock = ManualClock()
            let writer = writer(client, clock: clock)
            let object = try await created(client)
            func rendered(at time: String, forwarded: Int64) -> JSONValue {
                var status = status(phase: "Running", forwarded: forwarded)
                status["conditions"] = [
                    ["type": "Ready", "status": "True", "reason": "Running", "lastTransitionTime": .string(time)]
                ]
                return status
            }
            let first = "2026-11-26T10:00:00Z"
            #expect(try await writer.submit(rendered(at: first, forwarded: 0), for: key, current: object) == .written)
            clock.advance(by: .seconds(4))
            let stale = rendered(at: "2026-11-26T10:00:04Z", forwarded: 5)
            #expect(try await writer.submit(stale, for: key, current: object) == .deferred(.seconds(6)))
            clock.advance(by: .seconds(6))
            #expect(try await writer.submit(stale, for: key, current: object) == .written)
            let written = try await serverStatus(client)
            #expect(written?["sources"]?["example"]?["forwarded"] == 5)
            #expect(written?["conditions"]?.arrayValue?.first?["lastTransitionTime"]?.stringValue == first)
        }
    }

    @Test func counterWritesShareAGlobalRate() async throws {
        try await withEventSourceCluster { _, client in
            let clock = ManualClock()
            let writer = writer(client, perSecond: 1, clock: clock)
            var objects: [ObjectKey: JSONValue] = [:]
            for name in ["a", "b"] {
                let key = ObjectKey(namespace: "default", name: name)
                objects[key] = try await created(client, name)
                _ = try await writer.submit(status(phase: "Running", forwarded: 0), for: key, current: objects[key]!)
            }
            clock.advance(by: .seconds(10))
            let a = ObjectKey(namespace: "default", name: "a")
            let b = ObjectKey(namespace: "default", name: "b")
            // Two transitions above used no tokens; one token (burst 1) for counters: a gets it, b waits for the next.
            #expect(try await writer.submit(status(phase: "Running", forwarded: 1), for: a, current: objects[a]!) == .written)
            guard case .deferred(let wait) = try await writer.submit(status(phase: "Running", forwarded: 1), for: b, current: objects[b]!)
            else {
                Issue.record("b's counter write should wait for the global rate")
                return
            }
            #expect(wait > .zero && wait <= .seconds(1))
            clock.advance(by: wait)
            #expect(try await writer.submit(status(phase: "Running", forwarded: 1), for: b, current: objects[b]!) == .written)
        }
    }

    private func owned(by owner: String, phase: String) -> JSONValue {
        var status = status(phase: phase, forwarded: 0)
        status["runningOn"] = .string(owner)
        return status
    }

    /// A sharded hand-over: the old owner, not yet aware of the new membership, writes its own
    /// status after the new owner's. The new owner's view has not changed, yet the status must not
    /// stay the old owner's: seeing the newer write in its cache, it writes its own back (paced as
    /// counters are). A cache older than its own write changes nothing.
    @Test func aStatusSomeoneElseWroteAfterOursIsPutRightButAStaleCacheIsNot() async throws {
        try await withEventSourceCluster { _, client in
            let clock = ManualClock()
            let newOwner = writer(client, clock: clock)
            let before = try await created(client)
            #expect(try await newOwner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: before) == .written)
            // The cache may still show the object from before that write: nothing to do.
            #expect(try await newOwner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: before) == .unchanged)

            let oldOwner = writer(client, clock: clock)
            let afterOurs = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(try await oldOwner.submit(owned(by: "replica-b", phase: "Connecting"), for: key, current: afterOurs) == .written)
            let overwritten = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(overwritten["status"]?["runningOn"] == "replica-b")

            // Within the interval of its own last write the new owner waits, then writes its status back.
            clock.advance(by: .seconds(3))
            #expect(try await newOwner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: overwritten) == .deferred(.seconds(7)))
            clock.advance(by: .seconds(7))
            #expect(try await newOwner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: overwritten) == .written)
            let putRight = try await serverStatus(client)
            #expect(putRight?["runningOn"] == "replica-a")
            #expect(putRight?["sources"]?["example"]?["phase"] == "Running")
            // Its own write seen again, or its cache catching up, writes nothing more.
            let latest = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(try await newOwner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: latest) == .unchanged)
            #expect(try await newOwner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: overwritten) == .unchanged)
        }
    }

    /// A new owner's first look may come from a cache behind the last writer: the status it diffs
    /// against names itself (from its previous life), the server's names the other replica. The
    /// server's answer to the write shows the mix, and the rest is written at once.
    @Test func aWriteDiffedAgainstAStaleCacheIsCompletedFromTheServersAnswer() async throws {
        try await withEventSourceCluster { _, client in
            let clock = ManualClock()
            let created = try await created(client)
            #expect(try await writer(client, clock: clock).submit(owned(by: "replica-a", phase: "Running"), for: key, current: created) == .written)
            let stale = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            let current = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(try await writer(client, clock: clock).submit(owned(by: "replica-c", phase: "Failed"), for: key, current: current) == .written)

            let restarted = writer(client, clock: clock)
            #expect(try await restarted.submit(owned(by: "replica-a", phase: "Failed"), for: key, current: stale) == .written)
            #expect(try await serverStatus(client)?["runningOn"] == "replica-a")
            let settled = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(try await restarted.submit(owned(by: "replica-a", phase: "Failed"), for: key, current: settled) == .unchanged)
        }
    }

    /// A change of its own view is still written at once, whoever wrote last.
    @Test func aTransitionOfItsOwnIsWrittenAtOnceAfterSomeoneElsesWrite() async throws {
        try await withEventSourceCluster { _, client in
            let clock = ManualClock()
            let owner = writer(client, clock: clock)
            let before = try await created(client)
            #expect(try await owner.submit(owned(by: "replica-a", phase: "Running"), for: key, current: before) == .written)
            let other = writer(client, clock: clock)
            let afterOurs = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(try await other.submit(owned(by: "replica-b", phase: "Connecting"), for: key, current: afterOurs) == .written)
            let overwritten = try await client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")
            #expect(try await owner.submit(owned(by: "replica-a", phase: "Failed"), for: key, current: overwritten) == .written)
            #expect(try await serverStatus(client)?["runningOn"] == "replica-a")
        }
    }

    @Test func aReplicaThatDoesNotLeadWritesNothing() async throws {
        try await withEventSourceCluster { _, client in
            let writer = writer(client, leading: false, clock: ManualClock())
            let object = try await created(client)
            #expect(try await writer.submit(status(phase: "Running", forwarded: 0), for: key, current: object) == .notLeader)
            #expect(try await serverStatus(client) == nil)
            #expect(await writer.writes == 0)
        }
    }
}
