import StructuredData

/// The list-then-watch protocol as a state machine. The caller does the I/O it asks for and feeds
/// back what happened; the machine says what to tell the cache and which request comes next:
///
/// list (all pages) → `replaceAll` → watch from the list's resourceVersion → changes →
/// on a normal end, watch again from the last version seen → on 410 (an HTTP status or an
/// ERROR event), list again. Bookmarks only move the version. Failures back off, and each one
/// comes out in the reaction so the owner can see it.
///
/// In SwiftNIO's style the state is an enum whose cases carry what only they need; a call that
/// makes no sense in the current state (a list page while watching) is a programming error and
/// stops the process.
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
        /// The request in flight failed. The machine has already chosen the retry in `next`.
        public var failure: WatchFailure?
        /// A request succeeded after one or more failed.
        public var recovered = false
    }

    public enum Phase: Sendable, Equatable {
        case idle
        case listing
        case watching
    }

    private enum State: Sendable {
        case idle
        case listing(Listing)
        case watching(Watching)
        /// Held only inside a transition, so the case's data is not copied while it changes.
        case modifying
    }

    private struct Listing: Sendable {
        /// Pages of this list so far; a failed page throws them away.
        var pages: [JSONValue] = []
        /// The version of the list or watch before this list, if any.
        var previousVersion: String?
    }

    private struct Watching: Sendable {
        /// The version the next watch starts from: the list's, then the last event's or bookmark's.
        var resourceVersion: String
        var lines = LineAssembler()
        /// Whether this watch delivered anything; one that did may be resumed at once.
        var madeProgress = false
    }

    private var state: State = .idle
    private var delays: WatchRetryDelays
    /// Whether the last request failed, so the next success can be reported as a recovery.
    private var failing = false
    private let resource: String

    /// - Parameter resource: the resource's plural, named in the failures the machine reports.
    public init(
        resource: String = "", backoff: Backoff = Backoff(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.resource = resource
        delays = WatchRetryDelays(backoff: backoff, random: random)
    }

    public var phase: Phase {
        switch state {
        case .idle: .idle
        case .listing: .listing
        case .watching: .watching
        case .modifying: preconditionFailure("ListWatchStateMachine read during a transition")
        }
    }

    /// The version the next watch starts from: the list's, then the last event's or bookmark's.
    public var resourceVersion: String? {
        switch state {
        case .idle: nil
        case .listing(let listing): listing.previousVersion
        case .watching(let watching): watching.resourceVersion
        case .modifying: preconditionFailure("ListWatchStateMachine read during a transition")
        }
    }

    public mutating func start() -> Next {
        guard case .idle = state else { preconditionFailure("start() called twice (while \(phase))") }
        return beginList(after: nil)
    }

    // MARK: list

    public mutating func listPageReceived(items: [JSONValue], resourceVersion: String, continueToken: String?) -> Reaction {
        guard case .listing(var listing) = state else { preconditionFailure("a list page arrived while \(phase)") }
        state = .modifying
        listing.pages += items
        if let continueToken, !continueToken.isEmpty {
            state = .listing(listing)
            return Reaction(next: Next(request: .list(continueToken: continueToken), delay: .zero))
        }
        delays.reset()
        var reaction = Reaction(updates: [.replaceAll(listing.pages, resourceVersion: resourceVersion)])
        reaction.recovered = succeeded()
        reaction.next = beginWatch(from: resourceVersion, delay: .zero)
        return reaction
    }

    /// A failed page starts the whole list over: pages of different snapshots must not mix.
    public mutating func listFailed(_ error: KubeError) -> Reaction {
        guard case .listing(let listing) = state else { preconditionFailure("a list failed while \(phase)") }
        let delay: Duration = error.isGone ? .zero : delays.next()
        return Reaction(next: beginList(after: listing.previousVersion, delay: delay), failure: failed(.list, error))
    }

    // MARK: watch

    public mutating func watchReceived(_ chunk: [UInt8]) -> Reaction {
        guard case .watching(var watching) = state else { preconditionFailure("watch bytes arrived while \(phase)") }
        state = .modifying
        var reaction = Reaction()
        for line in watching.lines.append(chunk) {
            let event: WatchEvent
            do {
                event = try WatchEvent(line: line)
            } catch {
                reaction.failure = failed(.watch, error)
                reaction.next = beginWatch(from: watching.resourceVersion, delay: delays.next())
                return reaction
            }
            switch event.type {
            case .added, .modified, .deleted, .bookmark:
                if let version = event.resourceVersion { watching.resourceVersion = version }
                watching.madeProgress = true
                delays.reset()
                if succeeded() { reaction.recovered = true }
                switch event.type {
                case .added: reaction.updates.append(.added(event.object))
                case .modified: reaction.updates.append(.modified(event.object))
                case .deleted: reaction.updates.append(.deleted(event.object))
                default: break
                }
            case .error:
                let status = KubeStatus(event.object, httpStatus: 0)
                reaction.failure = failed(.watch, KubeError.from(status: status, httpCode: status.code))
                if status.code == 410 {
                    reaction.next = relist(watching)
                } else {
                    reaction.next = beginWatch(from: watching.resourceVersion, delay: delays.next())
                }
                return reaction
            }
        }
        state = .watching(watching)
        return reaction
    }

    /// The server ended the response cleanly (its timeout, say): resume where we were.
    public mutating func watchEnded() -> Reaction {
        guard case .watching(let watching) = state else { preconditionFailure("a watch ended while \(phase)") }
        let delay = watching.madeProgress ? Duration.zero : delays.next()
        var reaction = Reaction()
        reaction.recovered = succeeded()
        reaction.next = beginWatch(from: watching.resourceVersion, delay: delay)
        return reaction
    }

    /// The watch failed: an HTTP error (410 means relist) or a broken connection.
    public mutating func watchFailed(_ error: KubeError) -> Reaction {
        guard case .watching(let watching) = state else { preconditionFailure("a watch failed while \(phase)") }
        let failure = failed(.watch, error)
        if error.isGone { return Reaction(next: relist(watching), failure: failure) }
        return Reaction(next: beginWatch(from: watching.resourceVersion, delay: delays.next()), failure: failure)
    }

    // MARK: transitions

    /// A relist right after a productive watch is immediate; one after a list that led nowhere waits,
    /// so a server that keeps answering 410 is not hammered.
    private mutating func relist(_ watching: Watching) -> Next {
        beginList(after: watching.resourceVersion, delay: watching.madeProgress ? .zero : delays.next())
    }

    private mutating func beginList(after previousVersion: String?, delay: Duration = .zero) -> Next {
        state = .listing(Listing(previousVersion: previousVersion))
        return Next(request: .list(continueToken: nil), delay: delay)
    }

    /// Whatever part of a line the last connection left is gone with it: a new watch starts clean.
    private mutating func beginWatch(from resourceVersion: String, delay: Duration) -> Next {
        state = .watching(Watching(resourceVersion: resourceVersion))
        return Next(request: .watch(resourceVersion: resourceVersion), delay: delay)
    }

    private mutating func failed(_ request: WatchFailure.Request, _ error: KubeError) -> WatchFailure {
        failing = true
        return WatchFailure(resource: resource, request: request, error: error)
    }

    /// Whether this success ends a run of failures.
    private mutating func succeeded() -> Bool {
        defer { failing = false }
        return failing
    }
}
