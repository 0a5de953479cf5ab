/// A work queue with client-go's semantics: adding a key that is already waiting does nothing;
/// a key is never handed to two workers at once; a key added while a worker has it runs again
/// once that worker is done; failed keys come back after a per-key exponential delay.
public actor WorkQueue<Key: Hashable & Sendable> {
    private var queue: [Key] = []
    private var head = 0
    private var dirty = Set<Key>()
    private var processing = Set<Key>()
    private var waiters: [CheckedContinuation<Key?, Never>] = []
    private var shuttingDown = false
    private var limiter: ExponentialRateLimiter<Key>
    private let delayed: AsyncStream<(Key, Duration)>
    private let delayedInput: AsyncStream<(Key, Duration)>.Continuation

    public init(limiter: ExponentialRateLimiter<Key> = ExponentialRateLimiter()) {
        self.limiter = limiter
        (delayed, delayedInput) = AsyncStream.makeStream(of: (Key, Duration).self)
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
        if delay <= .zero {
            add(key)
        } else {
            delayedInput.yield((key, delay))
        }
    }

    /// Adds the key after its backoff, which grows with each failure until `forget`.
    public func addRateLimited(_ key: Key) {
        add(key, after: limiter.nextDelay(for: key))
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
            for await (key, delay) in delayed {
                group.addTask { [self] in
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    await add(key)
                }
            }
            group.cancelAll()
        }
    }
}
