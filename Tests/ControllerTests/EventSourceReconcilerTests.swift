import AdapterModel
import Adapter
import Controller
import EventSourceAPI
import KubeClient
import Logging
import Reconciler
import Sinks
import StructuredData
import Synchronization
import TestSupport
import Testing

/// The reconciler against a real kube-testserver and real adapters on a real redis-server: it
/// starts and stops adapters from the cached spec, writes status, says when to come back, and
/// reconciles different EventSources at the same time.
@Suite struct EventSourceReconcilerTests {
    private struct Parts {
        let cache: ObjectCache
        let secrets: SecretCache
        let supervisor: AdapterSupervisor
        let reconciler: EventSourceReconciler
        let client: KubeClient
        let redis: RedisServer

        func cached(_ name: String) async throws -> ObjectKey {
            let object = try await client.get(EventSourceResource.eventSources, name: name, namespace: "default")
            return await cache.apply(.added(object)).first!
        }
    }

    private static let counterInterval = Duration.seconds(7)

    private func withReconciler(
        fetch: @escaping SecretCache.Fetch = { _ in nil }, clock: ManualClock = ManualClock(),
        _ body: (Parts) async throws -> Void
    ) async throws {
        try await withEventSourceCluster { _, client in
            try await withSupervisor { supervisor, redis in
                let logger = Logger(label: "reconciler-test")
                let options = ControllerOptions(
                    defaultSink: SinkSpec(uri: "stdout"), consumerName: "reconciler-test", statusCounterInterval: Self.counterInterval)
                let cache = ObjectCache()
                let secrets = SecretCache(fetch: fetch)
                let leadership = Leadership(leading: true)
                // A cluster with no EventBus, listed: EventSources without spec.sink are judged at once.
                let eventBuses = EventBusCache()
                _ = await eventBuses.apply(.replaceAll([], resourceVersion: "1"))
                let reconciler = EventSourceReconciler(
                    cache: cache, secrets: secrets, eventBuses: eventBuses, supervisor: supervisor,
                    statusWriter: StatusWriter(
                        client: client, leadership: leadership, counterInterval: Self.counterInterval, writesPerSecond: 20,
                        fieldManager: "reconciler-test", clock: clock),
                    recorder: nil, leadership: leadership, options: options, logger: logger)
                try await body(
                    Parts(cache: cache, secrets: secrets, supervisor: supervisor, reconciler: reconciler, client: client, redis: redis))
            }
        }
    }

    @Test func aNewEventSourceGetsItsAdaptersAndStatusAndAsksForNoTimer() async throws {
        try await withReconciler { parts in
            _ = try await parts.client.create(
                EventSourceResource.eventSources, eventSourceObject("orders", redisPort: parts.redis.port, events: ["example": ["FOO"]]))
            let key = try await parts.cached("orders")
            // Moving counters bring it back through the controller's counter sweep, not a timer per EventSource.
            #expect(try await parts.reconciler.reconcile(key) == .done)
            #expect(await parts.supervisor.keys == [AdapterKey(namespace: "default", name: "orders", eventName: "example")])
            let status = try await parts.client.get(EventSourceResource.eventSources, name: "orders", namespace: "default")["status"]
            #expect(status?["sources"]?["example"] != nil)
        }
    }

    @Test func aDeletedEventSourceLosesItsAdaptersAndAsksForNothing() async throws {
        try await withReconciler { parts in
            let object = try await parts.client.create(
                EventSourceResource.eventSources, eventSourceObject("orders", redisPort: parts.redis.port, events: ["example": ["FOO"]]))
            let key = try await parts.cached("orders")
            _ = try await parts.reconciler.reconcile(key)
            _ = await parts.cache.apply(.deleted(object))
            #expect(try await parts.reconciler.reconcile(key) == .done)
            #expect(await parts.supervisor.count == 0)
        }
    }

    @Test func anEventSourceWithoutRedisStreamEntriesIsLeftAlone() async throws {
        try await withReconciler { parts in
            var object = eventSourceObject("webhook", redisPort: parts.redis.port, events: [:])
            object["spec"] = ["webhook": ["example": ["port": "12000", "endpoint": "/example", "method": "POST"]]]
            _ = try await parts.client.create(EventSourceResource.eventSources, object)
            let key = try await parts.cached("webhook")
            #expect(try await parts.reconciler.reconcile(key) == .done)
            #expect(await parts.supervisor.count == 0)
            #expect(try await parts.client.get(EventSourceResource.eventSources, name: "webhook", namespace: "default")["status"] == nil)
        }
    }

    @Test func aCounterWriteThatMustWaitAsksToRunAgainWhenItIsDue() async throws {
        let clock = ManualClock()
        try await withReconciler(clock: clock) { parts in
            let redis = RedisTestClient(port: parts.redis.port)
            do {
                try await counterWriteWaits(parts, redis, clock)
            } catch {
                await redis.close()
                throw error
            }
            await redis.close()
        }
    }

    private func counterWriteWaits(_ parts: Parts, _ redis: RedisTestClient, _ clock: ManualClock) async throws {
        try await redis.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
        _ = try await parts.client.create(
            EventSourceResource.eventSources, eventSourceObject("orders", redisPort: parts.redis.port, events: ["example": ["FOO"]]))
        let key = try await parts.cached("orders")
        _ = try await parts.reconciler.reconcile(key)
        try await waitUntil("the adapter to consume") { await parts.supervisor.statuses(of: key)["example"]?.phase == .consuming }
        // The phase change is a transition: written at once, at time zero on the writer's clock.
        #expect(try await parts.reconciler.reconcile(key) == .done)
        // Only a counter moves, 3 s into a 7 s interval: the write waits, and the reconcile asks to
        // come back then. On a loaded machine a transition (written at once, restarting the
        // interval) may slip in between; the next round then sees only the counter.
        var result = ReconcileResult.done
        for round in 1...3 {
            clock.advance(by: .seconds(3))
            _ = try await redis.xadd("FOO", [("n", "\(round)")])
            try await waitUntil("entry \(round) to be forwarded") {
                await parts.supervisor.statuses(of: key)["example"]?.forwarded == Int64(round)
            }
            result = try await parts.reconciler.reconcile(key)
            if result != .done { break }
        }
        #expect(result == .again(after: Self.counterInterval - .seconds(3)))
    }

    /// Each EventSource reads a Secret the cache must fetch; the fetch returns only once both
    /// reconciles are inside it at the same time, which reconciles taken one at a time never are.
    @Test func differentEventSourcesReconcileAtTheSameTime() async throws {
        let inside = Mutex<Set<String>>([])
        let fetch: SecretCache.Fetch = { reference in
            inside.withLock { _ = $0.insert(reference.name) }
            try await waitUntil("both reconciles to be fetching at once", timeout: .seconds(30)) {
                inside.withLock { $0.count } == 2
            }
            return nil
        }
        try await withReconciler(fetch: fetch) { parts in
            var keys: [ObjectKey] = []
            for name in ["a", "b"] {
                var object = eventSourceObject(name, redisPort: parts.redis.port, events: ["example": ["FOO"]])
                object["spec"]?["redisStream"]?["example"]?["password"] = ["name": .string("secret-\(name)"), "key": "password"]
                _ = try await parts.client.create(EventSourceResource.eventSources, object)
                keys.append(try await parts.cached(name))
            }
            try await withThrowingTaskGroup(of: ReconcileResult.self) { group in
                for key in keys { group.addTask { try await parts.reconciler.reconcile(key) } }
                try await group.waitForAll()
            }
            #expect(inside.withLock { $0 } == ["secret-a", "secret-b"])
        }
    }
}
