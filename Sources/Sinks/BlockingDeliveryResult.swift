import Dispatch
import Synchronization

/// Where a submitted batch's outcomes wait for a caller that blocks on them (`deliver(batch:)`).
final class BlockingDeliveryResult: Sendable {
    private let outcomes = Mutex<[DeliveryOutcome?]?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func set(_ value: [DeliveryOutcome?]) {
        outcomes.withLock { $0 = value }
        ready.signal()
    }

    func wait() -> [DeliveryOutcome?] {
        ready.wait()
        return outcomes.withLock { $0 } ?? []
    }
}
