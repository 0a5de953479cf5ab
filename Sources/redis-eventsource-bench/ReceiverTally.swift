import Synchronization

/// What the bench receiver counts: every request, and the XADD-to-arrival latency of those
/// whose body carries a `sent` timestamp. Shared by the event loop threads and the bench.
final class ReceiverTally: Sendable {
    private let requests = Atomic<Int>(0)
    private let latencies = Mutex<[UInt64]>([])

    var requestCount: Int { requests.load(ordering: .relaxed) }

    func countRequest() { requests.add(1, ordering: .relaxed) }

    func recordLatency(nanoseconds: UInt64) {
        latencies.withLock { $0.append(nanoseconds) }
    }

    var latencyCount: Int { latencies.withLock { $0.count } }

    func takeLatencies() -> [UInt64] {
        latencies.withLock { values in
            defer { values = [] }
            return values
        }
    }
}
