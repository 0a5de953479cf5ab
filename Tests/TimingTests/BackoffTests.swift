import Testing
import TestSupport
import Timing

/// The one Backoff behaves as client-go's wait.Backoff, with the cap a true upper bound.
@Suite struct BackoffTests {
    @Test func growsByTheFactorUntilTheCap() {
        var backoff = Backoff(duration: .seconds(1), factor: 2, cap: .seconds(10))
        let delays = (0..<6).map { _ in backoff.next(random: 0.5) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(10), .seconds(10)])
        #expect(backoff.attempt == 6)
        backoff.reset()
        #expect(backoff.next(random: 0.5) == .seconds(1))
    }

    @Test func stopsGrowingWhenTheStepsRunOut() {
        var backoff = Backoff(duration: .milliseconds(100), factor: 3, steps: 2)
        #expect((0..<5).map { _ in backoff.next(random: 0) } == [
            .milliseconds(100), .milliseconds(300), .milliseconds(900), .milliseconds(900), .milliseconds(900),
        ])
    }

    @Test func jitterStretchesUpwardButNeverPastTheCap() {
        var backoff = Backoff(duration: .seconds(2), factor: 2, jitter: 0.5, cap: .seconds(5))
        #expect(backoff.next(random: 0) == .seconds(2))
        #expect(backoff.next(random: 0.5) == .seconds(5), "4 s stretched by a quarter is 5 s")
        #expect(backoff.next(random: 0.999) == .seconds(5), "capped after the jitter")
        var constant = Backoff(duration: .seconds(2), factor: 1, jitter: 1.2)
        for _ in 0..<100 {
            let delay = constant.next()
            #expect(delay >= .seconds(2) && delay <= .seconds(2) * 2.2)
        }
    }

    @Test func aLongRunOfFailuresSaturatesAtTheCapWithoutOverflowing() {
        let backoff = Backoff(duration: .milliseconds(5), factor: 2, cap: .seconds(1000))
        #expect(backoff.delay(afterSteps: 0) == .milliseconds(5))
        #expect(backoff.delay(afterSteps: 3) == .milliseconds(40))
        #expect(backoff.delay(afterSteps: 10_000) == .seconds(1000))
        #expect(Backoff(duration: .seconds(1), factor: 10).delay(afterSteps: 400) > .seconds(1_000_000))
    }
}

/// AnyClock hides the clock's type but keeps its time: sleeping on it sleeps on the clock inside.
@Suite struct AnyClockTests {
    @Test func sleepsOnTheClockItWraps() async throws {
        let manual = ManualClock()
        let clock = AnyClock(manual)
        let start = clock.now
        let sleeper = Task { try await clock.sleep(for: .seconds(30)) }
        try await waitUntil("the sleep to begin") { manual.sleepers == 1 }
        manual.advance(by: .seconds(29))
        #expect(manual.sleepers == 1)
        manual.advance(by: .seconds(1))
        try await sleeper.value
        #expect(start.duration(to: clock.now) == .seconds(30))
        #expect(AnyClock(clock).now == clock.now, "wrapping twice changes nothing")
    }
}
