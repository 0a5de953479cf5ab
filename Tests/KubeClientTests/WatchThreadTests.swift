import Foundation
import KubeClient
import Synchronization
import TestSupport
import Testing

/// Kubernetes requests and watches run on the process' one libcurl thread, not a thread each.
enum WatchThreadCheck {
    /// What the child process of `WatchThreadExitTests` runs: nil when every watch answered and the
    /// watches added far fewer threads than one each, else what went wrong.
    static func twoHundredWatches() async throws -> String? {
        var problem: String?
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
                counts.peak.store(try ProcessThreadCount.current(), ordering: .relaxed)
                for stream in streams { stream.cancel() }
                try await group.waitForAll()
            }
            let answered = counts.answered.load(ordering: .relaxed)
            let peak = counts.peak.load(ordering: .relaxed)
            if answered != watchCount {
                problem = "\(answered) of \(watchCount) watches answered"
            } else if peak - baseline >= watchCount / 2 {
                // A thread per watch would add 200; this process runs nothing else.
                problem = "threads went from \(baseline) to \(peak) with every watch open"
            }
        }
        return problem
    }
}

/// 200 open watches in a process of their own, so that only their threads are counted: run apart
/// from the other suites, as every `*ExitTests` suite is (see AdapterScaleExitTests).
@Suite struct WatchThreadExitTests {
    @Test func twoHundredOpenWatchesAddNoThreadEach() async {
        await #expect(processExitsWith: .success) {
            if let problem = try await WatchThreadCheck.twoHundredWatches() {
                FileHandle.standardError.write(Data("twoHundredOpenWatchesAddNoThreadEach: \(problem)\n".utf8))
                exit(1)
            }
        }
    }
}

private final class WatchCounts: Sendable {
    let answered = Atomic<Int>(0)
    let peak = Atomic<Int>(0)
}
