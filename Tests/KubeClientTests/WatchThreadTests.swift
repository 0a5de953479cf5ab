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
                        var answered = false
                        do {
                            // Counts the first bytes, then keeps the watch open until it is cancelled below.
                            for try await _ in stream.bytes where !answered {
                                answered = true
                                counts.answered.add(1, ordering: .relaxed)
                            }
                        } catch KubeError.cancelled {}
                    }
                }
                _ = try await client.create(.configMaps, configMap("seen-by-every-watch"))
                try await waitUntil("every watch answered", timeout: .seconds(120)) {
                    counts.answered.load(ordering: .relaxed) >= watchCount
                }
                // The fewest threads seen over several samples while every watch is open: threads of
                // the other suites running meanwhile come and go, those a watch would hold stay.
                var samples: [Int] = []
                try await waitUntil("ten thread counts with every watch open") {
                    samples.append(try ProcessThreadCount.current())
                    return samples.count >= 10
                }
                counts.peak.store(samples.min() ?? 0, ordering: .relaxed)
                for stream in streams { stream.cancel() }
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
