import EventSourceAPI
import StructuredData
import Testing
@testable import Reconciler

/// Issue 9: spec warnings show in the status, and after an invalid edit the status says plainly that
/// the last valid configuration is still running.
@Suite struct SpecWarningAndLastValidStatusTests {
    private func condition(_ status: JSONValue, _ type: String) -> JSONValue? {
        status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    @Test func warningsAreListedInTheStatus() {
        var status = EventSourceStatus(generation: 1, specProblems: [], eventNames: [], desired: DesiredState(), adapters: [:])
        status.specWarnings = [ValidationProblem(path: "spec.redisStream.e.consumerGruop", message: "unknown field, ignored")]
        let rendered = status.render(previous: nil, now: "t")
        #expect(rendered["warnings"] == ["spec.redisStream.e.consumerGruop: unknown field, ignored"])
        let clean = EventSourceStatus(generation: 1, specProblems: [], eventNames: [], desired: DesiredState(), adapters: [:])
        #expect(clean.render(previous: nil, now: "t")["warnings"] == nil)
    }

    @Test func anInvalidEditSaysTheLastValidConfigurationStillRuns() {
        var status = EventSourceStatus(
            generation: 4, specProblems: [ValidationProblem(path: "spec.redisStream.a.db", message: "must be ...")],
            eventNames: [], desired: DesiredState(), adapters: [:])
        status.stillRunning = ["a", "b"]
        status.lastValidGeneration = 3
        let rendered = status.render(previous: nil, now: "t")
        let expected = "the spec is invalid (see SourcesProvided); the last valid configuration (generation 3) is still running: a, b"
        #expect(condition(rendered, "Deployed")?["message"]?.stringValue == expected)
        #expect(condition(rendered, "Ready")?["message"]?.stringValue == expected)
        #expect(condition(rendered, "Deployed")?["reason"] == "InvalidSpec")
    }

    @Test func anInvalidFirstSpecSaysNothingRuns() {
        let status = EventSourceStatus(
            generation: 1, specProblems: [ValidationProblem(path: "spec", message: "required")], eventNames: [],
            desired: DesiredState(), adapters: [:])
        let rendered = status.render(previous: nil, now: "t")
        #expect(
            condition(rendered, "Ready")?["message"]?.stringValue
                == "the spec is invalid (see SourcesProvided); nothing runs until it is fixed")
    }
}
