import Dispatch
import NIOCore
import Synchronization

/// Tells an adapter to stop, and lets it sleep in a way a stop interrupts: blocking (tools' threads)
/// or suspended on its event loop (adapters).
public final class StopSignal: Sendable {
    private let stopped = Atomic<Bool>(false)
    private let wakeUp = DispatchSemaphore(value: 0)
    /// The adapter's suspended sleep, resumed by whichever comes first: its timer or a stop.
    private let sleeper = Mutex<CheckedContinuation<Void, Never>?>(nil)

    public init() {}

    public var isStopped: Bool { stopped.load(ordering: .acquiring) }

    public func stop() {
        if !stopped.exchange(true, ordering: .acquiringAndReleasing) { wakeUp.signal() }
        sleeper.withLock { $0.take() }?.resume()
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

    /// Suspends (never blocks) for `duration` on `loop`'s timer, or less if stopped; true when stopped.
    func sleep(
        for duration: Duration, on loop: EventLoop, isolation: isolated (any Actor)? = #isolation
    ) async -> Bool {
        guard !isStopped else { return true }
        await withCheckedContinuation(isolation: isolation) { (continuation: CheckedContinuation<Void, Never>) in
            sleeper.withLock { $0 = continuation }
            // Checked after registering: a stop that found no sleeper has already set the flag.
            if isStopped { sleeper.withLock { $0.take() }?.resume() }
            loop.scheduleTask(in: duration.timeAmount) { [self] in
                sleeper.withLock { $0.take() }?.resume()
            }
        }
        return isStopped
    }
}
