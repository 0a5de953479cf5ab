import AdapterModel
import EventSourceAPI
import StructuredData
import Testing
@testable import Reconciler

@Suite struct EventSourceStatusTests {
    private func adapter(_ phase: AdapterPhase, missing: [String] = [], error: String? = nil) -> AdapterStatus {
        var status = AdapterStatus(consumerGroup: "argo-events-cg", consumerName: "pod-a")
        status.phase = phase
        status.missingStreams = missing
        status.lastError = error
        status.forwarded = 7
        status.pending = ["FOO": 2]
        status.lag = ["FOO": nil]
        return status
    }

    private func condition(_ status: JSONValue, _ type: String) -> JSONValue? {
        status["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    private func status(_ adapters: [String: AdapterStatus], problems: [ValidationProblem] = [], desired: DesiredState = DesiredState())
        -> EventSourceStatus
    {
        EventSourceStatus(generation: 3, specProblems: problems, eventNames: problems.isEmpty ? ["example"] : [],
                          desired: desired, adapters: adapters)
    }

    @Test func everyEntryConsumingIsReady() {
        let rendered = status(["example": adapter(.consuming)]).render(previous: nil, now: "2026-01-01T00:00:00Z")
        #expect(rendered["observedGeneration"] == 3)
        #expect(condition(rendered, "SourcesProvided")?["status"] == "True")
        #expect(condition(rendered, "Deployed")?["status"] == "True")
        #expect(condition(rendered, "Ready")?["status"] == "True")
        #expect(condition(rendered, "Ready")?["reason"] == "Consuming")
        let source = rendered["sources"]?["example"]
        #expect(source?["phase"] == "Consuming")
        #expect(source?["forwarded"] == 7)
        #expect(source?["pending"] == ["FOO": 2])
        #expect(source?["lag"] == ["FOO": nil])
        #expect(source?["consumerGroup"] == "argo-events-cg")
    }

    @Test func waitingForStreamsIsNotReadyAndNamesTheStreams() {
        let rendered = status(["example": adapter(.waitingForStreams, missing: ["FOO"])]).render(previous: nil, now: "t")
        #expect(condition(rendered, "Ready")?["status"] == "False")
        #expect(condition(rendered, "Ready")?["reason"] == "WaitingForStreams")
        #expect(condition(rendered, "Ready")?["message"] == "example: waiting for streams: FOO")
        #expect(rendered["sources"]?["example"]?["missingStreams"] == ["FOO"])
    }

    @Test func anInvalidSpecListsEveryProblem() {
        let problems = [
            ValidationProblem(path: "spec.redisStream.x.hostAddress", message: "required"),
            ValidationProblem(path: "spec.redisStream.x.streams", message: "must not be empty"),
        ]
        let rendered = status([:], problems: problems).render(previous: nil, now: "t")
        #expect(condition(rendered, "SourcesProvided")?["status"] == "False")
        #expect(condition(rendered, "SourcesProvided")?["reason"] == "InvalidSpec")
        #expect(
            condition(rendered, "SourcesProvided")?["message"]
                == "spec.redisStream.x.hostAddress: required; spec.redisStream.x.streams: must not be empty")
        #expect(condition(rendered, "Ready")?["status"] == "False")
    }

    @Test func anEntryThatCannotRunIsFailedAndNotDeployed() {
        let desired = DesiredState(problems: ["example": .noSink])
        let rendered = status([:], desired: desired).render(previous: nil, now: "t")
        #expect(condition(rendered, "Deployed")?["status"] == "False")
        #expect(condition(rendered, "Deployed")?["reason"] == "NoSink")
        #expect(rendered["sources"]?["example"]?["phase"] == "Failed")
    }

    @Test func transitionTimesMoveOnlyWhenAConditionFlips() {
        let first = status(["example": adapter(.connecting, error: "refused")]).render(previous: nil, now: "T1")
        let sameFlip = status(["example": adapter(.waitingForStreams, missing: ["FOO"])]).render(previous: first, now: "T2")
        #expect(condition(sameFlip, "Ready")?["lastTransitionTime"] == "T1")
        #expect(condition(sameFlip, "Ready")?["reason"] == "WaitingForStreams")
        let flipped = status(["example": adapter(.consuming)]).render(previous: sameFlip, now: "T3")
        #expect(condition(flipped, "Ready")?["lastTransitionTime"] == "T3")
        #expect(condition(flipped, "SourcesProvided")?["lastTransitionTime"] == "T1")
    }

    @Test func countersAreNotSignificantButPhasesAre() {
        var busier = adapter(.consuming)
        busier.forwarded = 100
        busier.lastError = "a transient error"
        let base = status(["example": adapter(.consuming)]).render(previous: nil, now: "t")
        let counted = status(["example": busier]).render(previous: base, now: "t")
        #expect(base != counted)
        #expect(EventSourceStatus.significantPart(base) == EventSourceStatus.significantPart(counted))
        let retrying = status(["example": adapter(.retrying)]).render(previous: base, now: "t")
        #expect(EventSourceStatus.significantPart(base) != EventSourceStatus.significantPart(retrying))
    }
}

@Suite struct StatusWritePolicyTests {
    @Test func writesTransitionsAtOnceAndCountersAtMostEveryInterval() {
        var policy = StatusWritePolicy(counterInterval: .seconds(10))
        let start = ContinuousClock.now
        let ready: JSONValue = ["conditions": [["type": "Ready", "status": "True", "reason": "Consuming"]], "sources": ["e": ["phase": "Consuming", "forwarded": 1]]]
        #expect(policy.decide(ready, now: start) == .writeTransition)
        policy.wrote(ready, at: start)
        #expect(policy.decide(ready, now: start + .seconds(1)) == .skip)
        var counted = ready
        counted["sources"] = ["e": ["phase": "Consuming", "forwarded": 2]]
        #expect(policy.decide(counted, now: start + .seconds(4)) == .later(.seconds(6)))
        #expect(policy.decide(counted, now: start + .seconds(10)) == .writeCounters)
        var retrying = ready
        retrying["sources"] = ["e": ["phase": "Retrying", "forwarded": 1]]
        #expect(policy.decide(retrying, now: start + .seconds(1)) == .writeTransition)
    }

    /// The cache's resourceVersion tells a stale copy (older than our write: ignored) from someone
    /// else's later write (adopted: what the server holds, put right at the counter pace).
    @Test func aLaterWriteBySomeoneElseIsAdoptedAndAStaleCacheIsNot() {
        var policy = StatusWritePolicy(counterInterval: .seconds(10))
        let start = ContinuousClock.now
        let ours: JSONValue = ["runningOn": "a", "sources": ["e": ["phase": "Consuming", "forwarded": 1]]]
        let theirs: JSONValue = ["runningOn": "b", "sources": ["e": ["phase": "Connecting", "forwarded": 0]]]
        policy.observed(nil, version: "7")
        #expect(policy.decide(ours, now: start) == .writeTransition)
        policy.wrote(ours, at: start, version: "8")
        policy.observed(nil, version: "7")
        #expect(!policy.overwritten)
        #expect(policy.decide(ours, now: start + .seconds(1)) == .skip)
        policy.observed(theirs, version: "9")
        #expect(policy.overwritten)
        #expect(policy.decide(ours, now: start + .seconds(1)) == .later(.seconds(9)))
        #expect(policy.decide(ours, now: start + .seconds(10)) == .writeCounters)
        // Counters alone (or a null a merge patch dropped) from someone else are not worth a write.
        policy.wrote(ours, at: start + .seconds(10), version: "10")
        var countersOnly = ours
        countersOnly["sources"] = ["e": ["phase": "Consuming", "forwarded": 5]]
        policy.observed(countersOnly, version: "11")
        #expect(!policy.overwritten)
        #expect(policy.decide(ours, now: start + .seconds(30)) == .skip)
    }

    @Test func theTokenBucketAllowsBurstsThenPaces() {
        let start = ContinuousClock.now
        var bucket = TokenBucket(rate: 20, burst: 2, now: start)
        #expect(bucket.take(now: start) == nil)
        #expect(bucket.take(now: start) == nil)
        let wait = bucket.take(now: start)
        #expect(wait != nil && wait! <= .milliseconds(50))
        #expect(bucket.take(now: start + .milliseconds(50)) == nil)
    }
}
