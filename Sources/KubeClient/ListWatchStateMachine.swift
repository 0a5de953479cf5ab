import StructuredData

/// The list-then-watch protocol as a state machine. The caller does the I/O it asks for and feeds
/// back what happened; the machine says what to tell the cache and which request comes next:
///
/// list (all pages) → `replaceAll` → watch from the list's resourceVersion → changes →
/// on a normal end, watch again from the last version seen → on 410 (an HTTP status or an
/// ERROR event), list again. Bookmarks only move the version. Failures back off.
public struct ListWatchStateMachine: Sendable {
    public enum Request: Sendable, Equatable {
        case list(continueToken: String?)
        case watch(resourceVersion: String)
    }

    /// The next request, to be sent after `delay`.
    public struct Next: Sendable, Equatable {
        public let request: Request
        public let delay: Duration

        public init(request: Request, delay: Duration) {
            self.request = request
            self.delay = delay
        }
    }

    public struct Reaction: Sendable, Equatable {
        public var updates: [WatcherUpdate] = []
        /// nil: keep reading the current watch. Otherwise drop it (if any) and send this.
        public var next: Next?
    }

    public enum Phase: Sendable, Equatable {
        case idle
        case listing
        case watching
    }

    public private(set) var phase: Phase = .idle
    /// The version the next watch starts from: the list's, then the last event's or bookmark's.
    public private(set) var resourceVersion: String?
    private var pages: [JSONValue] = []
    private var lines = LineAssembler()
    private var backoff: Backoff
    private let random: @Sendable () -> Double
    /// Whether the current watch (or list) delivered anything; one that did may be resumed at once.
    private var madeProgress = false

    public init(backoff: Backoff = Backoff(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.backoff = backoff
        self.random = random
    }

    public mutating func start() -> Next {
        beginList()
    }

    // MARK: list

    public mutating func listPageReceived(items: [JSONValue], resourceVersion: String, continueToken: String?) -> Reaction {
        pages += items
        if let continueToken, !continueToken.isEmpty {
            return Reaction(next: Next(request: .list(continueToken: continueToken), delay: .zero))
        }
        let all = pages
        pages = []
        self.resourceVersion = resourceVersion
        backoff.reset()
        return Reaction(updates: [.replaceAll(all, resourceVersion: resourceVersion)], next: beginWatch(delay: .zero))
    }

    /// A failed page starts the whole list over: pages of different snapshots must not mix.
    public mutating func listFailed(_ error: KubeError) -> Reaction {
        let delay: Duration = error.isGone ? .zero : backoff.next(random: random())
        return Reaction(next: beginList(delay: delay))
    }

    // MARK: watch

    public mutating func watchReceived(_ chunk: [UInt8]) -> Reaction {
        var reaction = Reaction()
        for line in lines.append(chunk) {
            let event: WatchEvent
            do {
                event = try WatchEvent(line: line)
            } catch {
                reaction.next = beginWatch(delay: backoff.next(random: random()))
                return reaction
            }
            switch event.type {
            case .added, .modified, .deleted:
                if let version = event.resourceVersion { resourceVersion = version }
                madeProgress = true
                backoff.reset()
                switch event.type {
                case .added: reaction.updates.append(.added(event.object))
                case .modified: reaction.updates.append(.modified(event.object))
                default: reaction.updates.append(.deleted(event.object))
                }
            case .bookmark:
                if let version = event.resourceVersion { resourceVersion = version }
                madeProgress = true
                backoff.reset()
            case .error:
                let status = KubeStatus(event.object, httpStatus: 0)
                if status.code == 410 {
                    reaction.next = relist()
                } else {
                    reaction.next = beginWatch(delay: backoff.next(random: random()))
                }
                return reaction
            }
        }
        return reaction
    }

    /// The server ended the response cleanly (its timeout, say): resume where we were.
    public mutating func watchEnded() -> Reaction {
        let delay = madeProgress ? Duration.zero : backoff.next(random: random())
        return Reaction(next: beginWatch(delay: delay))
    }

    /// The watch failed: an HTTP error (410 means relist) or a broken connection.
    public mutating func watchFailed(_ error: KubeError) -> Reaction {
        if error.isGone { return Reaction(next: relist()) }
        return Reaction(next: beginWatch(delay: backoff.next(random: random())))
    }

    // MARK: transitions

    /// A relist right after a productive watch is immediate; one after a list that led nowhere waits,
    /// so a server that keeps answering 410 is not hammered.
    private mutating func relist() -> Next {
        beginList(delay: madeProgress ? .zero : backoff.next(random: random()))
    }

    private mutating func beginList(delay: Duration = .zero) -> Next {
        phase = .listing
        pages = []
        lines.discardPartialLine()
        madeProgress = false
        return Next(request: .list(continueToken: nil), delay: delay)
    }

    private mutating func beginWatch(delay: Duration) -> Next {
        phase = .watching
        // Whatever part of a line the last connection left is gone with it.
        lines.discardPartialLine()
        madeProgress = false
        return Next(request: .watch(resourceVersion: resourceVersion ?? ""), delay: delay)
    }
}
