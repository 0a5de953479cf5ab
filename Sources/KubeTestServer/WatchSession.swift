import NIOCore
import NIOHTTP1
import StructuredData

/// One watch response being streamed: catch-up events, live changes, bookmarks, and its end
/// (client's timeout, injected faults, or the resource going away). Confined to its event loop.
final class WatchSession {
    private unowned let handler: APIHTTPHandler
    private let context: ChannelHandlerContext
    private let requestHead: HTTPRequestHead
    private let plan: WatchPlan
    private let core: APIServerCore
    private let faults: FaultSettings
    private var subscriberID: Int?
    private var eventsSent = 0
    private var finished = false
    private var timers: [Scheduled<Void>] = []
    private var bookmarks: RepeatedTask?

    init(handler: APIHTTPHandler, context: ChannelHandlerContext, requestHead: HTTPRequestHead, plan: WatchPlan, core: APIServerCore) {
        self.handler = handler
        self.context = context
        self.requestHead = requestHead
        self.plan = plan
        self.core = core
        faults = core.faults
    }

    func start() {
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        let begun: (initial: [Change], subscriberID: Int)
        do {
            begun = try core.beginWatch(
                plan,
                onChange: { change in loop.execute { bound.value.receive(change) } },
                onEnd: { loop.execute { bound.value.finish() } })
        } catch {
            finished = true
            if faults.expiredWatchAsHTTPStatus {
                handler.writeWhole(
                    context: context, head: requestHead, status: error.code, body: JSONWriter.bytes(error.status),
                    contentType: "application/json", extraHeaders: [])
            } else {
                handler.writeStreamHead(context: context, head: requestHead)
                handler.writeStreamBytes(context: context, WatchPlan.errorLine(error))
                handler.endStream(context: context, session: self)
            }
            return
        }
        subscriberID = begun.subscriberID
        handler.writeStreamHead(context: context, head: requestHead)
        for change in begun.initial { receive(change) }
        let isolated = loop.assumeIsolated()
        if let timeout = plan.timeoutSeconds {
            timers.append(isolated.scheduleTask(in: Durations.timeAmount(seconds: timeout)) { self.finish() })
        }
        if let seconds = faults.closeWatchesAfterSeconds {
            timers.append(isolated.scheduleTask(in: Durations.timeAmount(seconds: seconds)) {
                if !self.finished { self.core.countWatchClosedByFault() }
                self.finish()
            })
        }
        if plan.allowBookmarks {
            let interval = Durations.timeAmount(seconds: max(core.configuration.bookmarkIntervalSeconds, 0.01))
            let core = self.core
            bookmarks = loop.scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in
                // Read the version and queue the bookmark under the store's lock, so it comes
                // after every change that version covers.
                core.store.transaction { state in
                    let version = state.resourceVersion
                    loop.execute { bound.value.bookmark(version) }
                }
            }
        }
    }

    private func receive(_ change: Change) {
        guard !finished, let (type, object) = plan.event(for: change) else { return }
        let line = plan.line(type: type, stored: object)
        if let limit = faults.closeWatchesAfterEvents, eventsSent >= limit {
            core.countWatchClosedByFault()
            if faults.closeWatchesMidLine {
                handler.writeStreamBytes(context: context, Array(line.prefix(max(1, line.count / 2))))
                abort()
            } else {
                finish()
            }
            return
        }
        handler.writeStreamBytes(context: context, line)
        eventsSent += 1
        if let limit = faults.closeWatchesAfterEvents, eventsSent >= limit, !faults.closeWatchesMidLine {
            core.countWatchClosedByFault()
            finish()
        }
    }

    private func bookmark(_ version: Int64) {
        guard !finished else { return }
        handler.writeStreamBytes(context: context, plan.bookmarkLine(version: version))
        core.noteBookmark(version)
    }

    /// Ends the response properly: the client sees the stream end normally.
    func finish() {
        guard !finished else { return }
        stop()
        handler.endStream(context: context, session: self)
    }

    /// Drops the connection without ending the response, as a crash or a broken proxy would.
    private func abort() {
        guard !finished else { return }
        stop()
        context.close(promise: nil)
    }

    /// Stops listening for changes; safe to call more than once.
    func stop() {
        finished = true
        if let subscriberID { core.endWatch(subscriberID) }
        subscriberID = nil
        for timer in timers { timer.cancel() }
        timers = []
        bookmarks?.cancel()
        bookmarks = nil
    }
}

