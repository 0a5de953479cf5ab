import Foundation
import StructuredData
import Testing
import TestSupport

/// Issue 9: the controller reports spec warnings in the status and as a Warning Event, and after an
/// invalid edit it says that the last valid configuration still runs (and it does).
@Suite struct SpecWarningOperatorTests {
    @Test func warningsReachTheStatusAndAnEventAndAnInvalidEditKeepsTheLastValidSpecRunning() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try fixture.startController()
            try await fixture.apply(
                fixture.eventSourceYAML(name: "typo", entries: [("example", ["FOO"])], extra: "      consumerGruop: other"))
            try await fixture.waitForReady("typo")
            let expected = "spec.redisStream.example.consumerGruop: unknown field, ignored; did you mean 'consumerGroup'?"
            try await waitUntil("the warning in the status") {
                try await fixture.eventSource("typo")?["status"]?["warnings"] == [.string(expected)]
            }
            try await waitUntil("the SpecWarnings Event") { try await fixture.eventReasons(about: "typo").contains("SpecWarnings") }

            try await fixture.apply(
                // Invalid for the controller but not for the CRD's schema, which kube-testserver enforces
                // as a cluster does (claimMinIdleSeconds: 0 would be refused before the controller saw it).
                fixture.eventSourceYAML(name: "typo", entries: [("example", ["FOO"])], extra: "      maxDeliveries: 3"))
            try await waitUntil("SourcesProvided=False") {
                try await fixture.condition("typo", "SourcesProvided")?["status"] == "False"
            }
            try await waitUntil("the status to say the last valid configuration runs") {
                try await fixture.condition("typo", "Ready")?["message"]?.stringValue
                    == "the spec is invalid (see SourcesProvided); the last valid configuration (generation 1) is still running: example"
            }
            #expect(try await fixture.eventSource("typo")?["status"]?["sources"]?["example"]?["phase"] == "Consuming")
            let id = try await fixture.client.xadd("FOO", [("still", "running")])
            let request = try #require(try await fixture.receiver.waitForRequests(1).first)
            #expect(try JSONParser.parse(request.bodyText)["message_id"]?.stringValue == id)
        }
    }

    /// A misspelled source type (`redisStreams:`) is no source Argo or we run; instead of leaving the
    /// EventSource without any status, the controller says what is wrong in its conditions.
    @Test func aMisspelledSourceTypeGetsAConditionSayingSo() async throws {
        try await OperatorFixture.with { fixture in
            try fixture.startController()
            let yaml = fixture.eventSourceYAML(name: "misspelled", entries: [("example", ["FOO"])])
                .replacingOccurrences(of: "redisStream:", with: "redisStreams:")
            try await fixture.apply(yaml)
            let condition = try await waitForValue("SourcesProvided on the misspelled EventSource") {
                try await fixture.condition("misspelled", "SourcesProvided")
            }
            #expect(condition["status"] == "False")
            #expect(condition["reason"] == "InvalidSpec")
            #expect(
                condition["message"]?.stringValue
                    == "spec.redisStreams: unknown source type; did you mean 'redisStream'? Nothing runs until it is spelled so")
            try await waitUntil("Ready=False") { try await fixture.condition("misspelled", "Ready")?["status"] == "False" }
        }
    }
}
