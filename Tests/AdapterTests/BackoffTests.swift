import Testing
@testable import Adapter

@Suite struct BackoffTests {
    @Test func doublesUpToTheCapWithoutJitter() {
        var backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), jitter: 0)
        let delays = (0..<6).map { _ in backoff.next() }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        backoff.reset()
        #expect(backoff.next() == .milliseconds(100))
    }

    @Test func jitterStaysWithinItsBandAndUnderTheCap() {
        var backoff = Backoff(initial: .seconds(1), maximum: .seconds(4), jitter: 0.5)
        var generator = SystemRandomNumberGenerator()
        let first = backoff.next(using: &generator)
        #expect(first >= .milliseconds(500) && first <= .milliseconds(1500))
        for _ in 0..<10 { _ = backoff.next(using: &generator) }
        let late = backoff.next(using: &generator)
        #expect(late >= .seconds(2) && late <= .seconds(4))
    }

    @Test func theReconnectPolicyIsAHundredMillisecondsToThirtySeconds() {
        #expect(Backoff.redisReconnect.initial == .milliseconds(100))
        #expect(Backoff.redisReconnect.maximum == .seconds(30))
    }
}
