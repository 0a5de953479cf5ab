@testable import Sinks
import Testing

/// The in-flight window sized like TCP's congestion window: slow start, additive increase,
/// multiplicative decrease, and a failed probe at one request.
@Suite struct HTTPSinkWindowTests {
    @Test func slowStartOpensByOnePerAnswerUpToTheMaximum() {
        var window = HTTPSinkWindow(maximum: 4)
        #expect(window.limit == 1)
        var limits: [Int] = []
        for _ in 0..<5 {
            window.answered()
            limits.append(window.limit)
        }
        #expect(limits == [2, 3, 4, 4, 4])
    }

    @Test func aFailureHalvesTheWindowAndOnlyAFailureAtOneIsAFailedProbe() {
        var window = HTTPSinkWindow(maximum: 8)
        for _ in 0..<10 { window.answered() }
        #expect(window.limit == 8)
        var probes: [Bool] = []
        probes.append(window.failed())
        #expect(window.limit == 4)
        probes.append(window.failed())
        probes.append(window.failed())
        #expect(window.limit == 1)
        probes.append(window.failed())
        #expect(window.limit == 1)
        #expect(probes == [false, false, false, true])
    }

    @Test func afterAFailureTheWindowGrowsByAboutOnePerWindowOfAnswers() {
        var window = HTTPSinkWindow(maximum: 8)
        for _ in 0..<10 { window.answered() }
        _ = window.failed()
        #expect(window.limit == 4)
        // Additive increase: four answers (one window's worth) add one request, not four.
        for _ in 0..<4 { window.answered() }
        #expect(window.limit == 4 || window.limit == 5)
        for _ in 0..<6 { window.answered() }
        #expect(window.limit == 5 || window.limit == 6)
    }

    /// The point of it all: 5 % random failures leave a window of 4 mostly open, while a sink
    /// failing 95 % of the time is down to single probes.
    @Test func aMostlyHealthyReceiverKeepsItsWindowAndAMostlyFailingOneIsProbed() {
        var generator = SplitMix(seed: 13)
        func averageLimit(failureRate: Double) -> (average: Double, probesFailed: Int) {
            var window = HTTPSinkWindow(maximum: 4)
            var sum = 0
            var probesFailed = 0
            for _ in 0..<10_000 {
                sum += window.limit
                if Double.random(in: 0..<1, using: &generator) < failureRate {
                    if window.failed() { probesFailed += 1 }
                } else {
                    window.answered()
                }
            }
            return (Double(sum) / 10_000, probesFailed)
        }
        let healthy = averageLimit(failureRate: 0.05)
        let failing = averageLimit(failureRate: 0.95)
        #expect(healthy.average > 3)
        #expect(failing.average < 1.2)
        #expect(failing.probesFailed > 8_000)
        #expect(healthy.probesFailed < 100)
    }
}

/// A small seeded generator, so the random sequences above are the same on every run.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
