import KubeClient
import Synchronization
import TestSupport
import Testing

/// Kubernetes requests and watches run on the process' one libcurl thread, not a thread each.
@Suite struct WatchThreadTests {
    @Test func twoHundredOpenWatchesAddNoThreadEach() async throws {
        try await withTestServer { _, client in
            // Starts the shared transfer loop, so the baseline counts it.
            _ = try await client.list(.configMaps, namespace: "default")
            let baseline = try ProcessThreadCount.current()
            let watchCount = 200
            let streams = (0..<watchCount).map { _ in
                client.watchBytes(.configMaps, namespace: "default", options: WatchOptions(allowBookmarks: false, timeoutSeconds: 120))
            }
            defer { for stream in streams { stream.cancel() } }
            let counts = WatchCounts()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for stream in streams {
                    group.addTask {
                        for try await _ in stream.bytes {
                            counts.answered.add(1, ordering: .relaxed)
                            // Every watch is open until all have seen the event.
                            try await waitUntil("every watch answered", timeout: .seconds(120)) {
                                counts.answered.load(ordering: .relaxed) >= watchCount
                            }
                            counts.peak.store(max(counts.peak.load(ordering: .relaxed), try ProcessThreadCount.current()), ordering: .relaxed)
                            return
                        }
                    }
                }
                _ = try await client.create(.configMaps, configMap("seen-by-every-watch"))
                try await group.waitForAll()
            }
            #expect(counts.answered.load(ordering: .relaxed) == watchCount)
            // A thread per watch would add 200; the other suites of the process, running meanwhile, add dozens.
            #expect(counts.peak.load(ordering: .relaxed) - baseline < watchCount / 2)
        }
    }
}

private final class WatchCounts: Sendable {
    let answered = Atomic<Int>(0)
    let peak = Atomic<Int>(0)
}
