import KubeClient
import KubeTestServer
import StructuredData
import Synchronization
import TestSupport
import Testing

/// The test server must not be the bottleneck of the controller's scale benchmark:
/// a thousand objects, and writes at well over 50 a second, with a watcher keeping up.
@Suite struct ScaleTests {
    @Test func aThousandObjectsWithAWatcherFollowing() async throws {
        try await withTestServer { server, client in
            try await defineWidgets(client)
            let cache = ResourceWatcherTests.Cache()
            let watcher = client.watcher(widgets, namespace: "default", options: .init(pageSize: 250, backoff: .fastForTests))
            let started = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await update in watcher { cache.apply(update) }
                }
                defer { group.cancelAll() }
                // Eight writers at once, as a controller's workers would be.
                try await withThrowingTaskGroup(of: Void.self) { writers in
                    for writer in 0..<8 {
                        writers.addTask {
                            for index in stride(from: writer, to: 1000, by: 8) {
                                _ = try await client.create(widgets, widget(String(format: "w-%04d", index), size: Int64(index)))
                            }
                            for index in stride(from: writer, to: 200, by: 8) {
                                _ = try await client.patchStatus(
                                    widgets, name: String(format: "w-%04d", index), .merge(["status": ["phase": "Ready"]]))
                            }
                        }
                    }
                    try await writers.waitForAll()
                }
                let elapsed = ContinuousClock.now - started
                let all = try await client.listAll(widgets, namespace: "default", options: ListOptions(limit: 300))
                #expect(all.items.count == 1000)
                let truth = Dictionary(uniqueKeysWithValues: all.items.map { ($0.name ?? "", $0.resourceVersion ?? "") })
                try await waitUntil("the watcher to hold all thousand objects") {
                    cache.objects.mapValues { $0.resourceVersion ?? "" } == truth
                }
                print("scale: 1200 writes in \(elapsed) (\(Int(1200 / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18))) writes/s)")
            }
            #expect(server.statistics.requests >= 1200)
        }
    }
}
