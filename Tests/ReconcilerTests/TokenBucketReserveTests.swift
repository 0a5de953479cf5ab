import Testing
@testable import Reconciler

@Suite struct TokenBucketReserveTests {
    @Test func eachWaitingCallerGetsASlotOfItsOwnAtTheRate() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 2, burst: 1, now: start)
        #expect(bucket.reserve(now: start) == .zero)
        // Three more at the same instant: half a second apart, not all told "half a second".
        let waits = (0..<3).map { _ in bucket.reserve(now: start) }
        #expect(waits == [.milliseconds(500), .milliseconds(1000), .milliseconds(1500)])
        // Once the debt is paid and a token has built up again, the next goes at once.
        #expect(bucket.reserve(now: start + .seconds(2)) == .zero)
    }
}
