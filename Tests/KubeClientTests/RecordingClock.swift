import Synchronization

/// A clock whose time moves only when something sleeps on it: each sleep returns at once and
/// records how long it asked for, so backoff delays are checked exactly without being waited out.
final class RecordingClock: Clock, Sendable {
    typealias Instant = ContinuousClock.Instant

    private let state = Mutex<(now: Instant, sleeps: [Duration])>((ContinuousClock.now, []))

    var now: Instant { state.withLock { $0.now } }
    var minimumResolution: Duration { .zero }
    var sleeps: [Duration] { state.withLock { $0.sleeps } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(deadline - state.now)
            state.now = max(state.now, deadline)
        }
        await Task.yield()
    }
}
