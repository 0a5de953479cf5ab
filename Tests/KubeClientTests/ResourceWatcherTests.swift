import KubeClient
import KubeTestServer
import StructuredData
import Synchronization
import TestSupport
import Testing

/// The list-watch loop against a server that misbehaves on purpose: whatever it does, the
/// watcher's cache must end up equal to the server's objects.
@Suite struct ResourceWatcherTests {
    /// A cache fed by a watcher in a child task, for tests to poll.
    final class Cache: Sendable {
        private let state = Mutex<(objects: [String: JSONValue], replaceAlls: Int, updates: Int)>(([:], 0, 0))

        func apply(_ update: WatcherUpdate) {
            state.withLock { state in
                state.updates += 1
                switch update {
                case .replaceAll(let items, _):
                    state.replaceAlls += 1
                    state.objects = [:]
                    for item in items { state.objects[item.name ?? ""] = item }
                case .added(let object), .modified(let object): state.objects[object.name ?? ""] = object
                case .deleted(let object): state.objects[object.name ?? ""] = nil
                }
            }
        }

        var objects: [String: JSONValue] { state.withLock { $0.objects } }
        var replaceAlls: Int { state.withLock { $0.replaceAlls } }

        func data(_ name: String) -> String? { objects[name]?["data"]?["n"]?.stringValue }
    }

    private let options = ResourceWatcher.Options(pageSize: 3, watchTimeoutSeconds: 30, backoff: .fastForTests)

    /// Runs a watcher into a cache while `body` runs, then stops it.
    private func withWatcher(
        _ client: KubeClient, _ body: (Cache) async throws -> Void
    ) async throws {
        let cache = Cache()
        let watcher = client.watcher(.configMaps, namespace: "default", options: options)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for try await update in watcher { cache.apply(update) }
            }
            defer { group.cancelAll() }
            try await body(cache)
        }
    }

    /// The cache matches the server exactly (names and resourceVersions).
    private func expectConverged(_ cache: Cache, _ client: KubeClient) async throws {
        try await waitUntil("the watcher's cache to match the server") {
            let truth = try await client.listAll(.configMaps, namespace: "default")
            let expected = Dictionary(uniqueKeysWithValues: truth.items.map { ($0.name ?? "", $0.resourceVersion ?? "") })
            return cache.objects.mapValues { $0.resourceVersion ?? "" } == expected
        }
    }

    private func churn(_ client: KubeClient, rounds: Int, prefix: String = "cm") async throws {
        for index in 0..<rounds {
            let name = "\(prefix)-\(index % 4)"
            if (try? await client.get(.configMaps, name: name)) == nil {
                _ = try await client.create(.configMaps, configMap(name, data: ["n": String(index)]))
            } else if index % 5 == 0 {
                try await client.delete(.configMaps, name: name)
            } else {
                _ = try await client.patch(.configMaps, name: name, .merge(["data": ["n": .string(String(index))]]))
            }
        }
    }

    @Test func initialListIsOneReplaceAllThenChangesFollow() async throws {
        try await withTestServer { _, client in
            for index in 0..<7 { _ = try await client.create(.configMaps, configMap("pre-\(index)")) }
            let watcher = client.watcher(.configMaps, namespace: "default", options: options)
            var iterator = watcher.makeAsyncIterator()
            guard case .replaceAll(let items, let version)? = try await iterator.next() else {
                Issue.record("the first update must replace everything")
                return
            }
            #expect(items.count == 7, "all three pages of three come as one")
            #expect(!version.isEmpty)
            _ = try await client.create(.configMaps, configMap("new"))
            #expect(try await iterator.next() == .added(try await client.get(.configMaps, name: "new")))
        }
    }

    @Test func survivesWatchesClosedAfterEveryFewEvents() async throws {
        let configuration = KubeTestServerConfiguration(faults: FaultSettings(closeWatchesAfterEvents: 2))
        try await withTestServer(configuration) { server, client in
            try await withWatcher(client) { cache in
                try await churn(client, rounds: 30)
                try await expectConverged(cache, client)
            }
            #expect(server.statistics.watchesClosedByFault > 0)
            #expect(server.statistics.watchesStarted > 3)
        }
    }

    @Test func survivesWatchesCutInTheMiddleOfALine() async throws {
        let configuration = KubeTestServerConfiguration(faults: FaultSettings(closeWatchesAfterEvents: 3, closeWatchesMidLine: true))
        try await withTestServer(configuration) { server, client in
            try await withWatcher(client) { cache in
                try await churn(client, rounds: 30)
                try await expectConverged(cache, client)
            }
            #expect(server.statistics.watchesClosedByFault > 0)
        }
    }

    @Test func survivesWatchesClosedAfterAFewSeconds() async throws {
        let configuration = KubeTestServerConfiguration(faults: FaultSettings(closeWatchesAfterSeconds: 0.3))
        try await withTestServer(configuration) { server, client in
            try await withWatcher(client) { cache in
                try await churn(client, rounds: 5)
                try await waitUntil("a watch to be closed by time") { server.statistics.watchesClosedByFault > 0 }
                try await churn(client, rounds: 10, prefix: "later")
                try await expectConverged(cache, client)
            }
        }
    }

    /// Moves the server's version past the watcher's (a change to another resource, which the
    /// watcher does not see) and forgets the history, so the watcher's resume point is too old.
    private func compactBeneathWatcher(_ server: KubeTestServer, _ client: KubeClient, lease: String) async throws {
        let object: JSONValue = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": .string(lease)], "spec": [:],
        ]
        _ = try await client.create(.leases, object)
        server.compactHistory()
    }

    @Test func relistsOnAnExpiredErrorEvent() async throws {
        let configuration = KubeTestServerConfiguration(
            bookmarkIntervalSeconds: 600, faults: FaultSettings(closeWatchesAfterSeconds: 0.3))
        try await withTestServer(configuration) { server, client in
            try await withWatcher(client) { cache in
                _ = try await client.create(.configMaps, configMap("a"))
                try await expectConverged(cache, client)
                try await compactBeneathWatcher(server, client, lease: "mover")
                try await waitUntil("a relist") { cache.replaceAlls >= 2 }
                _ = try await client.create(.configMaps, configMap("b"))
                try await expectConverged(cache, client)
            }
        }
    }

    @Test func relistsOnExpiredAsHTTPStatus() async throws {
        let configuration = KubeTestServerConfiguration(
            bookmarkIntervalSeconds: 600, faults: FaultSettings(closeWatchesAfterSeconds: 0.3, expiredWatchAsHTTPStatus: true))
        try await withTestServer(configuration) { server, client in
            try await withWatcher(client) { cache in
                _ = try await client.create(.configMaps, configMap("a"))
                try await expectConverged(cache, client)
                try await compactBeneathWatcher(server, client, lease: "mover")
                try await waitUntil("a relist") { cache.replaceAlls >= 2 }
                _ = try await client.create(.configMaps, configMap("b"))
                try await expectConverged(cache, client)
            }
        }
    }

    @Test func bookmarksKeepTheWatcherResumableAcrossCompaction() async throws {
        // The same compaction as above, but bookmarks have carried the watcher past it: no relist.
        let configuration = KubeTestServerConfiguration(
            bookmarkIntervalSeconds: 0.05, faults: FaultSettings(closeWatchesAfterSeconds: 0.5))
        try await withTestServer(configuration) { server, client in
            try await withWatcher(client) { cache in
                try await waitUntil("the first list") { cache.replaceAlls == 1 }
                let lease: JSONValue = ["apiVersion": "coordination.k8s.io/v1", "kind": "Lease", "metadata": ["name": "l"], "spec": [:]]
                _ = try await client.create(.leases, lease)
                let target = server.currentResourceVersion
                try await waitUntil("a bookmark past the lease") { server.statistics.lastBookmarkVersion >= target }
                server.compactHistory()
                let started = server.statistics.watchesStarted
                try await waitUntil("the watcher to resume") { server.statistics.watchesStarted > started }
                _ = try await client.create(.configMaps, configMap("after"))
                try await expectConverged(cache, client)
                #expect(cache.replaceAlls == 1)
            }
        }
    }

    @Test func cancellingTheConsumerClosesTheWatch() async throws {
        try await withTestServer { server, client in
            let watcher = client.watcher(.configMaps, namespace: "default", options: options)
            let task = Task {
                for try await _ in watcher {}
            }
            try await waitUntil("the watcher to be watching") { server.activeWatchCount == 1 }
            task.cancel()
            await #expect(throws: CancellationError.self) { try await task.value }
            try await waitUntil("the server to see the watch go") { server.activeWatchCount == 0 }
        }
    }
}
