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

    @Test func theReconnectPolicyIsAHundredMillisecondsToThirtySeconds() {
        #expect(Backoff.redisReconnect.initial == .milliseconds(100))
        #expect(Backoff.redisReconnect.maximum == .seconds(30))
    }
}
