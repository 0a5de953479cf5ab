import Foundation
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// What a hostile client sent in the chaos run of issue 13: each request once crashed the server,
/// stored garbage, or held a connection open. Each must get a Status answer, and the server lives on.
@Suite struct HostileClientTests {
    private let configMaps = "/api/v1/namespaces/default/configmaps"

    private func createConfigMap(_ http: HTTPProbe, _ name: String) async throws {
        let created = try await http.send(
            "POST", configMaps, body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"\#(name)"},"data":{"a":"b"}}"#,
            contentType: "application/json")
        try #require(created.status == 201, "\(created.body)")
    }

    private func expectAlive(_ http: HTTPProbe) async throws {
        #expect(try await http.send("GET", configMaps).status == 200, "the server still answers")
    }

    @Test(arguments: ["1e300", "inf", "nan", "-1", "99999999999999999999"])
    func watchTimeoutsBeyondAnyTimer(_ timeout: String) async throws {
        try await withServer { _, http in
            let watch = try await http.send("GET", "\(configMaps)?watch=true&timeoutSeconds=\(timeout)")
            #expect(watch.status == 400)
            #expect(watch.reason == "BadRequest" && watch.message.contains("timeoutSeconds"))
            try await expectAlive(http)
        }
    }

    @Test func watchCloseFaultBeyondAnyTimer() async throws {
        try await withServer { server, http in
            for body in [#"{"closeWatchesAfterSeconds": 1e300}"#, #"{"latencyMilliseconds": 9223372036854775807}"#,
                         #"{"retryAfterSeconds": 1e18}"#] {
                let fault = try await http.send("PATCH", "/testserver/faults", body: body, contentType: "application/json")
                #expect(fault.status == 400, "\(body): \(fault.body)")
            }
            #expect(server.faults == .none)
            // A bounded one still works, and a watch under it starts and ends normally.
            let bounded = try await http.send(
                "PATCH", "/testserver/faults", body: #"{"closeWatchesAfterSeconds": 0.2}"#, contentType: "application/json")
            #expect(bounded.status == 200)
            let watch = try await http.send("GET", "\(configMaps)?watch=true")
            #expect(watch.status == 200)
            try await expectAlive(http)
        }
        await #expect(throws: FaultSettingsError.self) {
            try await withServer(KubeTestServerConfiguration(faults: FaultSettings(closeWatchesAfterSeconds: .infinity))) { _, _ in }
        }
    }

    @Test func jsonPatchMustLeaveAValidObject() async throws {
        try await withServer { _, http in
            try await createConfigMap(http, "target")
            for (patch, field) in [
                (#"[{"op":"replace","path":"/metadata","value":5}]"#, "metadata"),
                (#"[{"op":"add","path":"/metadata/labels","value":["x"]}]"#, "metadata.labels"),
                (#"[{"op":"add","path":"/metadata/labels","value":{"x":7}}]"#, "metadata.labels.x"),
                (#"[{"op":"add","path":"/metadata/finalizers","value":"one"}]"#, "metadata.finalizers"),
                (#"[{"op":"replace","path":"/kind","value":{}}]"#, "kind"),
            ] {
                let answer = try await http.send(
                    "PATCH", "\(configMaps)/target", body: patch, contentType: "application/json-patch+json")
                #expect(answer.status == 422, "\(patch): \(answer.body)")
                #expect(answer.reason == "Invalid")
                let causes = answer.json?["details"]?["causes"]?.arrayValue ?? []
                #expect(causes.first?["field"]?.stringValue == field, "\(answer.body)")
            }
            let merge = try await http.send(
                "PATCH", "\(configMaps)/target", body: #"{"metadata":5}"#, contentType: "application/merge-patch+json")
            #expect(merge.status == 422)
            let stored = try await http.send("GET", "\(configMaps)/target")
            #expect(stored.json?["metadata"]?["name"] == "target")
            #expect(stored.json?["data"]?["a"] == "b")
        }
    }

    @Test func numbersOutOfRangeAreRefusedNotStoredAsNull() async throws {
        try await withServer { _, http in
            try await http.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: widgetDefinitionYAML, contentType: "application/yaml")
                .expectStatus(201)
            let widgets = "/apis/example.com/v1/namespaces/default/widgets"
            let created = try await http.send(
                "POST", widgets, body: #"{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"size":1e999}}"#,
                contentType: "application/json")
            #expect(created.status == 422, "\(created.body)")
            #expect(created.json?["details"]?["causes"]?.arrayValue?.first?["field"] == "spec.size")
            #expect(try await http.send("GET", "\(widgets)/w").status == 404, "nothing was stored")
            let yaml = try await http.send(
                "POST", widgets, body: "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: y}\nspec: {size: .inf}\n",
                contentType: "application/yaml")
            #expect(yaml.status == 422)
            try await http.send("POST", widgets, body: widgetYAML("w", size: 1), contentType: "application/yaml").expectStatus(201)
            let patched = try await http.send(
                "PATCH", "\(widgets)/w", body: #"{"spec":{"size":-1e999}}"#, contentType: "application/merge-patch+json")
            #expect(patched.status == 422)
            #expect(try await http.send("GET", "\(widgets)/w").json?["spec"]?["size"] == 1)
        }
    }

    @Test func oversizeHeadersGetA431Status() async throws {
        try await withServer { _, http in
            var probe = http
            probe.headers = ["X-Padding-One: " + String(repeating: "a", count: 50_000),
                             "X-Padding-Two: " + String(repeating: "b", count: 50_000)]
            let answer = try await probe.send("GET", configMaps)
            #expect(answer.status == 431)
            #expect(answer.json?["kind"] == "Status" && answer.reason == "RequestHeaderFieldsTooLarge")
            try await expectAlive(http)
        }
    }

    @Test func declaredBodiesOverTheLimitGetA413AtOnce() async throws {
        try await withServer { _, http in
            var probe = http
            // curl sends the few bytes it has and then waits for an answer: the server must not wait
            // for the rest (the probe gives up after 30 seconds, far longer than the answer takes).
            probe.headers = ["Content-Length: 1000000000000"]
            let answer = try await probe.send("POST", configMaps, body: "{}", contentType: "application/json")
            #expect(answer.status == 413)
            #expect(answer.reason == "RequestEntityTooLarge")
            probe.headers = ["Content-Length: 99999999999999999999999"]
            let unparsable = try await probe.send("POST", configMaps, body: "{}", contentType: "application/json")
            #expect([400, 413].contains(unparsable.status) && unparsable.json?["kind"] == "Status", "\(unparsable.body)")
            try await expectAlive(http)
        }
    }
}

extension HTTPProbe.Response {
    func expectStatus(_ expected: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(status == expected, "\(body)", sourceLocation: sourceLocation)
    }
}
