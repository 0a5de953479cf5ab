import Dispatch
import Synchronization

/// Tells an adapter thread to stop, and lets that thread sleep in a way a stop interrupts.
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)

    public init() {}

    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    public func stop() {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) { wakeUp.signal() }
    }

    /// Sleeps the calling thread for `duration`, or less if stopped; returns true when stopped.
    @discardableResult
    public func sleep(for duration: Duration) -> Bool {
        if isStopped { return true }
        let nanoseconds = duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
        if wakeUp.wait(timeout: .now() + .nanoseconds(Int(max(0, nanoseconds)))) == .success {
            // Leave the semaphore signalled so that every later sleep returns at once too.
            wakeUp.signal()
        }
        return isStopped
    }
}
