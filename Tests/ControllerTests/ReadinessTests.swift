import Adapter
import AdapterModel
import Controller
import Testing

@Suite struct ReadinessTests {
    private func report(_ event: String, _ phase: AdapterPhase, error: String? = nil) -> AdapterReport {
        var status = AdapterStatus(consumerGroup: "cg", consumerName: "me")
        status.phase = phase
        status.lastError = error
        return AdapterReport(namespace: "ns", eventSourceName: "es", eventName: event, status: status)
    }

    @Test func consumingAndWaitingForStreamsAreReady() {
        #expect(Readiness.adapters([report("a", .consuming), report("b", .waitingForStreams)]) == .ready)
        #expect(Readiness.adapters([]) == .ready)
    }

    @Test func anyOtherPhaseIsNotReadyAndSaysWhich() {
        for phase in [AdapterPhase.connecting, .retrying, .failed, .stopped] {
            let readiness = Readiness.adapters([report("a", .consuming), report("b", phase)])
            #expect(readiness == .notReady(reason: "1 of 2 adapter(s) not ready: ns/es/b is \(phase.rawValue)"))
        }
    }

    @Test func theReasonStaysOneShortLine() {
        let reports = (0..<5).map { report("e\($0)", .connecting, error: "refused\nby peer " + String(repeating: "x", count: 300)) }
        guard case .notReady(let reason) = Readiness.adapters(reports) else {
            Issue.record("expected not ready")
            return
        }
        #expect(!reason.contains("\n"))
        #expect(reason.hasPrefix("5 of 5 adapter(s) not ready: ns/es/e0 is Connecting (refused by peer xx"))
        #expect(reason.hasSuffix("; and 2 more"))
        #expect(reason.count < 600)
    }
}
