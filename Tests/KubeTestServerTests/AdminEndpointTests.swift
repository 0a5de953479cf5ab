import Foundation
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// Fault injection and history compaction at run time, through `/testserver/...`.
@Suite struct AdminEndpointTests {
    @Test func faultsAreReadAndChanged() async throws {
        try await withServer { server, http in
            let initial = try await http.send("GET", "/testserver/faults")
            #expect(initial.status == 200)
            #expect(initial.json?["errorFraction"]?.doubleValue == 0)
            let set = try await http.send(
                "PUT", "/testserver/faults", body: #"{"errorFraction": 1, "latencyMilliseconds": 10}"#, contentType: "application/json")
            #expect(set.status == 200)
            #expect(server.faults.errorFraction == 1)
            #expect(server.faults.latencyMilliseconds == 10)
            let failing = try await http.send("GET", "/api/v1/namespaces")
            #expect(failing.status == 500)
            #expect(failing.reason == "InternalError")
            // The admin endpoint itself is never subject to faults.
            let patched = try await http.send("PATCH", "/testserver/faults", body: #"{"errorFraction": 0, "throttleFraction": 1, "retryAfterSeconds": 7}"#, contentType: "application/json")
            #expect(patched.status == 200)
            #expect(server.faults.latencyMilliseconds == 10, "PATCH keeps what it does not name")
            let throttled = try await http.send("GET", "/api/v1/namespaces")
            #expect(throttled.status == 429)
            #expect(throttled.json?["details"]?["retryAfterSeconds"] == 7)
            let reset = try await http.send("PUT", "/testserver/faults", body: "{}", contentType: "application/json")
            #expect(reset.status == 200)
            #expect(server.faults == .none)
            let invalid = try await http.send("PUT", "/testserver/faults", body: #"{"errorFraction": 3}"#, contentType: "application/json")
            #expect(invalid.status == 400)
            let unknown = try await http.send("PUT", "/testserver/faults", body: #"{"explode": true}"#, contentType: "application/json")
            #expect(unknown.status == 400)
        }
    }

    @Test func compactingMakesOldVersionsExpire() async throws {
        try await withServer { server, http in
            let created = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps", body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#,
                contentType: "application/json")
            let version = try #require(created.json?["metadata"]?["resourceVersion"]?.stringValue)
            let compacted = try await http.send("POST", "/testserver/compact")
            #expect(compacted.status == 200)
            #expect(compacted.json?["compactedThrough"]?.intValue == server.currentResourceVersion)
            let watch = try await http.send("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=\(Int(version)! - 1)")
            #expect(watch.status == 200)
            let event = try #require(try? JSONParser.parse(watch.body.trimmingCharacters(in: .whitespacesAndNewlines)))
            #expect(event["type"] == "ERROR")
            #expect(event["object"]?["code"] == 410)
            let stats = try await http.send("GET", "/testserver/stats")
            #expect(stats.json?["compactedThrough"]?.intValue == server.currentResourceVersion)
        }
    }

    @Test func watchesAreClosedAfterEventsAndMidLine() async throws {
        try await withServer(KubeTestServerConfiguration(faults: FaultSettings(closeWatchesAfterEvents: 2))) { server, http in
            for name in ["a", "b", "c"] {
                _ = try await http.send(
                    "POST", "/api/v1/namespaces/default/configmaps",
                    body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":""# + name + #""}}"#, contentType: "application/json")
            }
            let closed = try await http.send("GET", "/api/v1/namespaces/default/configmaps?watch=true")
            #expect(closed.body.split(separator: "\n").count == 2, "two whole events, then a clean end")
            server.faults = FaultSettings(closeWatchesAfterEvents: 2, closeWatchesMidLine: true)
            let cut = try await http.send("GET", "/api/v1/namespaces/default/configmaps?watch=true")
            let lines = cut.body.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3, "two whole events and half of the third")
            #expect((try? JSONParser.parse(String(lines[2]))) == nil)
            #expect(server.statistics.watchesClosedByFault == 2)
        }
    }
}
