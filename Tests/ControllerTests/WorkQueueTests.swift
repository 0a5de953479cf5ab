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

    @Test func delayedAddsArriveWhenTheDelaysRun() async throws {
        let queue = WorkQueue<String>()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await queue.runDelays() }
            await queue.add("later", after: .milliseconds(20))
            await queue.addRateLimited("retry")
            let first = await queue.next()
            let second = await queue.next()
            #expect(Set([first, second]) == ["later", "retry"])
            #expect(await queue.failures(of: "retry") == 1)
            await queue.shutDown()
            try await group.waitForAll()
        }
    }
}
