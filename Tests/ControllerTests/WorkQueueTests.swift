import Controller
import Testing
import TestSupport

@Suite struct WorkQueueTests {
    @Test func duplicateAddsMerge() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        await queue.add("a")
        await queue.add("b")
        #expect(await queue.depth == 2)
        #expect(await queue.next() == "a")
        #expect(await queue.next() == "b")
    }

    @Test func aKeyIsNeverHandedToTwoWorkersAtOnce() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        #expect(await queue.next() == "a")
        await queue.add("a")
        // "a" is being processed, so it waits for done() instead of going to a second worker.
        #expect(await queue.depth == 0)
        await queue.add("b")
        #expect(await queue.next() == "b")
    }

    @Test func aKeyAddedWhileProcessingRunsAgainAfterDone() async {
        let queue = WorkQueue<String>()
        await queue.add("a")
        _ = await queue.next()
        await queue.add("a")
        await queue.done("a")
        #expect(await queue.depth == 1)
        #expect(await queue.next() == "a")
        await queue.done("a")
        #expect(await queue.depth == 0)
    }

    @Test func aWaitingWorkerGetsTheNextKey() async {
        let queue = WorkQueue<String>()
        async let waiting = queue.next()
        await queue.add("late")
        #expect(await waiting == "late")
    }

    @Test func shutdownReleasesWaitingWorkers() async {
        let queue = WorkQueue<String>()
        async let waiting = queue.next()
        await queue.shutDown()
        #expect(await waiting == nil)
        await queue.add("ignored")
        #expect(await queue.next() == nil)
    }

    @Test func failuresBackOffExponentiallyPerKeyUntilForgotten() {
        var limiter = ExponentialRateLimiter<String>(base: .milliseconds(5), maximum: .seconds(1000), rate: 1000, burst: 1000)
        #expect(limiter.nextDelay(for: "a") == .milliseconds(5))
        #expect(limiter.nextDelay(for: "a") == .milliseconds(10))
        #expect(limiter.nextDelay(for: "a") == .milliseconds(20))
        #expect(limiter.nextDelay(for: "b") == .milliseconds(5))
        for _ in 0..<40 { _ = limiter.nextDelay(for: "a") }
        #expect(limiter.nextDelay(for: "a") == .seconds(1000))
        limiter.forget("a")
        #expect(limiter.nextDelay(for: "a") == .milliseconds(5))
    }

    @Test func theGlobalLimitPacesEvenFreshKeys() {
        var limiter = ExponentialRateLimiter<Int>(base: .milliseconds(5), maximum: .seconds(1000), rate: 10, burst: 2)
        let now = ContinuousClock.now
        #expect(limiter.nextDelay(for: 1, now: now) == .milliseconds(5))
        #expect(limiter.nextDelay(for: 2, now: now) == .milliseconds(5))
        #expect(limiter.nextDelay(for: 3, now: now) >= .milliseconds(90))
    }

    @Test func delayedAddsArriveWhenTheirDelayHasPassedOnTheClock() async throws {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await queue.runDelays() }
            await queue.add("later", after: .seconds(20))
            await queue.addRateLimited("retry")
            #expect(await queue.failures(of: "retry") == 1)
            try await waitUntil("both delays to be waiting") { clock.sleepers == 2 }
            #expect(await queue.depth == 0)
            clock.advance(by: .milliseconds(5))
            #expect(await queue.next() == "retry")
            #expect(await queue.depth == 0, "later is not due yet")
            clock.advance(by: .seconds(20))
            #expect(await queue.next() == "later")
            await queue.shutDown()
            try await group.waitForAll()
        }
    }

    @Test func aKeyAskedForAfterSeveralDelaysComesOnceAtTheEarliest() async throws {
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await queue.runDelays() }
            await queue.add("key", after: .seconds(30))
            await queue.add("key", after: .seconds(10))
            await queue.add("key", after: .seconds(60))
            #expect(await queue.delayedCount == 1)
            try await waitUntil("the two earliest delays to be waiting") { clock.sleepers == 2 }
            clock.advance(by: .seconds(10))
            #expect(await queue.next() == "key")
            await queue.done("key")
            // The superseded 30 s delay passes without adding the key again.
            clock.advance(by: .seconds(50))
            try await waitUntil("the superseded sleeper to end") { clock.sleepers == 0 }
            #expect(await queue.depth == 0)
            #expect(await queue.delayedCount == 0)
            await queue.shutDown()
            try await group.waitForAll()
        }
    }
}
