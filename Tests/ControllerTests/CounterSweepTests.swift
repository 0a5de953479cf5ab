import AdapterModel
import Reconciler
import Testing
@testable import Controller

/// The sweep that carries counters to the status: it reconciles an EventSource whose counters,
/// group figures or error text moved, and leaves significant changes to the adapters' own reports.
@Suite struct CounterSweepTests {
    private let key = AdapterKey(namespace: "ns", name: "orders", eventName: "example")
    private let status = AdapterStatus(consumerGroup: "cg", consumerName: "pod-0")

    @Test func movedCountersAndErrorsAreSweptAndASignificantChangeIsLeftToTheAdaptersReport() {
        var sweep = CounterSweep()
        #expect(sweep.changed([(key, status)]) == [key.objectKey], "a new adapter is swept once")
        #expect(sweep.changed([(key, status)]).isEmpty)
        #expect(sweep.changed([(key, status.reduced([.forwarded(count: 1, lastEventTime: nil, recovered: false)]))]) == [key.objectKey])
        let figures = status.reduced([.forwarded(count: 1, lastEventTime: nil, recovered: false), .groupFigures(.init(pending: ["A": 3]))])
        #expect(sweep.changed([(key, figures)]) == [key.objectKey])
        let retrying = figures.reduced([.phaseChanged(.retrying, missingStreams: [])])
        #expect(sweep.changed([(key, retrying)]).isEmpty)
        // An error text is no transition, so no adapter reports it at once: the sweep carries it.
        #expect(sweep.changed([(key, retrying.reduced([.error("down")]))]) == [key.objectKey])
    }
}
