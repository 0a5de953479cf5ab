/// The watcher's only contact with a backoff type: the delays between failed requests.
/// When the project's shared client-go style `Backoff` lands, the switch happens here alone
/// (the stored type and these two calls); `ListWatchStateMachine` only asks `next()` and `reset()`.
struct WatchRetryDelays: Sendable {
    private var backoff: Backoff
    private let random: @Sendable () -> Double

    init(backoff: Backoff, random: @escaping @Sendable () -> Double) {
        self.backoff = backoff
        self.random = random
    }

    mutating func next() -> Duration { backoff.next(random: random()) }

    mutating func reset() { backoff.reset() }
}
