/// Lists and watches one resource for as long as it is iterated, surviving dropped watches,
/// 410s and server errors (see `ListWatchStateMachine`). It runs in the consumer's task: stop
/// iterating, or cancel that task, and the open watch is aborted. Every failed request, and the
/// recovery after, goes to `Options.report`, so a lasting failure (a 403, say) can be seen.
///
///     for try await update in client.watcher(.leases, namespace: "default") { cache.apply(update) }
public struct ResourceWatcher: AsyncSequence, Sendable {
    public typealias Element = WatcherUpdate

    public struct Options: Sendable {
        public var labelSelector: String?
        public var fieldSelector: String?
        /// Objects per list page.
        public var pageSize: Int?
        /// Asks the server to end each watch after this long, so a silently dead connection is noticed.
        public var watchTimeoutSeconds: Int?
        public var backoff: Backoff
        /// Waits out the backoff delays; tests pass a clock they control.
        public var clock: any Clock<Duration>
        /// Told of each failed list or watch and of the recovery after; called in the iterating task.
        public var report: (@Sendable (WatcherReport) -> Void)?

        public init(
            labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int? = 500,
            watchTimeoutSeconds: Int? = 300, backoff: Backoff = Backoff(), clock: any Clock<Duration> = ContinuousClock(),
            report: (@Sendable (WatcherReport) -> Void)? = nil
        ) {
            self.labelSelector = labelSelector
            self.fieldSelector = fieldSelector
            self.pageSize = pageSize
            self.watchTimeoutSeconds = watchTimeoutSeconds
            self.backoff = backoff
            self.clock = clock
            self.report = report
        }
    }

    let client: KubeClient
    let resource: KubeResource
    let namespace: String?
    let options: Options

    public func makeAsyncIterator() -> Iterator {
        Iterator(watcher: self, machine: ListWatchStateMachine(resource: resource.plural, backoff: options.backoff))
    }

    public struct Iterator: AsyncIteratorProtocol {
        let watcher: ResourceWatcher
        var machine: ListWatchStateMachine
        var pending: [WatcherUpdate] = []
        var upcoming: ListWatchStateMachine.Next?
        var started = false
        var connection: ByteStream?
        var bytes: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator?

        public mutating func next() async throws -> WatcherUpdate? {
            while pending.isEmpty {
                if Task.isCancelled {
                    connection?.cancel()
                    throw CancellationError()
                }
                if var iterator = bytes {
                    do {
                        if let chunk = try await iterator.next() {
                            bytes = iterator
                            apply(machine.watchReceived(chunk))
                        } else {
                            dropConnection()
                            if !Task.isCancelled { apply(machine.watchEnded()) }
                        }
                    } catch {
                        dropConnection()
                        if !Task.isCancelled { apply(machine.watchFailed(error as? KubeError ?? .transport("\(error)"))) }
                    }
                    continue
                }
                let step: ListWatchStateMachine.Next
                if let upcoming {
                    step = upcoming
                } else if !started {
                    step = machine.start()
                } else {
                    return nil
                }
                started = true
                upcoming = nil
                if step.delay > .zero { try await watcher.options.clock.sleep(for: step.delay) }
                try await perform(step.request)
            }
            return pending.removeFirst()
        }

        private mutating func perform(_ request: ListWatchStateMachine.Request) async throws {
            let options = watcher.options
            switch request {
            case .list(let continueToken):
                do {
                    let page = try await watcher.client.list(
                        watcher.resource, namespace: watcher.namespace,
                        options: ListOptions(
                            labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                            limit: options.pageSize, continueToken: continueToken))
                    apply(machine.listPageReceived(items: page.items, resourceVersion: page.resourceVersion, continueToken: page.continueToken))
                } catch {
                    if Task.isCancelled || error.isCancelled { throw CancellationError() }
                    apply(machine.listFailed(error))
                }
            case .watch(let resourceVersion):
                let stream = watcher.client.watchBytes(
                    watcher.resource, namespace: watcher.namespace,
                    options: WatchOptions(
                        labelSelector: options.labelSelector, fieldSelector: options.fieldSelector,
                        resourceVersion: resourceVersion, allowBookmarks: true, timeoutSeconds: options.watchTimeoutSeconds))
                connection = stream
                bytes = stream.bytes.makeAsyncIterator()
            }
        }

        private mutating func apply(_ reaction: ListWatchStateMachine.Reaction) {
            pending += reaction.updates
            if let report = watcher.options.report {
                if reaction.recovered { report(.recovered(resource: watcher.resource.plural)) }
                if let failure = reaction.failure { report(.failed(failure)) }
            }
            if let next = reaction.next {
                dropConnection()
                upcoming = next
            }
        }

        private mutating func dropConnection() {
            connection?.cancel()
            connection = nil
            bytes = nil
        }
    }
}

extension KubeError {
    var isCancelled: Bool { if case .cancelled = self { true } else { false } }
}
