import Timing

/// A work queue with client-go's semantics: adding a key that is already waiting does nothing;
/// a key is never handed to two workers at once; a key added while a worker has it runs again
/// once that worker is done; failed keys come back after a per-key exponential delay; a key
/// asked for again after a delay waits once, for the earliest of the delays asked for.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty = Set<Key>()
    private var processing = Set<Key>()
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var shuttingDown = false
    private var limiter: ExponentialRateLimiter<Key>
    /// When each delayed key is due: one pending delay per key, the earliest (client-go's waitingForQueue).
    private var dueAt: [Key: AnyClock.Instant] = [:]
    private let delayed: AsyncStream<(Key, AnyClock.Instant)>
    private let delayedInput: AsyncStream<(Key, AnyClock.Instant)>.Continuation
    private let clock: AnyClock
    /// The limiter's token bucket counts in continuous instants; this maps the clock's onto them.
    private let limiterOrigin = ContinuousClock.now

    public init(limiter: ExponentialRateLimiter<Key> = ExponentialRateLimiter(), clock: some Clock<Duration> = ContinuousClock()) {
        self.limiter = limiter
        self.clock = AnyClock(clock)
        (delayed, delayedInput) = AsyncStream.makeStream(of: (Key, AnyClock.Instant).self)
    }

    /// Keys waiting to be processed (not counting those being processed or delayed).
    public var depth: Int { queue.count - head }

    public func add(_ key: Key) {
        guard !shuttingDown, !dirty.contains(key) else { return }
        dirty.insert(key)
        guard !processing.contains(key) else { return }
        if !waiters.isEmpty {
            dirty.remove(key)
            processing.insert(key)
            waiters.removeFirst().resume(returning: key)
            return
        }
        queue.append(key)
    }

    /// Adds the key after `delay`; `runDelays()` must be running.
    public func add(_ key: Key, after delay: Duration) {
        guard !shuttingDown else { return }
        guard delay > .zero else {
            add(key)
            return
        }
        let due = clock.now.advanced(by: delay)
        if let earlier = dueAt[key], earlier <= due { return }
        dueAt[key] = due
        delayedInput.yield((key, due))
    }

    /// Keys waiting for a delay to pass.
    public var delayedCount: Int { dueAt.count }

    /// Adds the key after its backoff, which grows with each failure until `forget`.
    public func addRateLimited(_ key: Key) {
        add(key, after: limiter.nextDelay(for: key, now: limiterOrigin + clock.now.offset))
    }

    /// A delay ran out: add the key unless an earlier delay has replaced this one.
    private func delayPassed(_ key: Key, due: AnyClock.Instant) {
        guard dueAt[key] == due else { return }
        dueAt[key] = nil
        add(key)
    }

    /// The key succeeded: its backoff starts over.
    public func forget(_ key: Key) {
        limiter.forget(key)
    }

    public func failures(of key: Key) -> Int { limiter.failures(of: key) }

    /// The next key, waiting for one; nil once the queue shuts down.
    public func next() async -> Key? {
        if let key = takeQueued() { return key }
        if shuttingDown { return nil }
        return await withCheckedContinuation { waiters.append($0) }
    }

    private func takeQueued() -> Key? {
        guard head < queue.count else { return nil }
        let key = queue[head]
        head += 1
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        dirty.remove(key)
        processing.insert(key)
        return key
    }

    /// The worker finished with the key; if it was added meanwhile, it is queued again.
    public func done(_ key: Key) {
        processing.remove(key)
        guard dirty.contains(key) else { return }
        dirty.remove(key)
        add(key)
    }

    /// Wakes every waiting worker with nil; later adds are ignored.
    public func shutDown() {
        shuttingDown = true
        delayedInput.finish()
        for waiter in waiters { waiter.resume(returning: nil) }
        waiters.removeAll()
    }

    /// Runs delayed adds, each in a child task that sleeps, until shutdown or cancellation.
    public nonisolated func runDelays() async {
        await withDiscardingTaskGroup { group in
            for await (key, due) in delayed {
                group.addTask { [self, clock] in
                    guard (try? await clock.sleep(until: due)) != nil else { return }
                    await delayPassed(key, due: due)
                }
            }
            group.cancelAll()
        }
    }
}
