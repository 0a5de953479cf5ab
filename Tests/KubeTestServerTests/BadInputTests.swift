import Foundation
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// Everything a careless or hostile client can send gets a Status error, and the server lives on.
@Suite struct BadInputTests {
    @Test func malformedJSONAndYAMLBodies() async throws {
        try await withServer { _, http in
            let json = try await http.send("POST", "/api/v1/namespaces/default/configmaps", body: "{\"kind\": ", contentType: "application/json")
            #expect(json.status == 400)
            #expect(json.statusCode == 400 && json.reason == "BadRequest")
            #expect(json.json?["kind"] == "Status")
            let yaml = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps", body: "kind: ConfigMap\nmetadata: [unclosed\n", contentType: "application/yaml")
            #expect(yaml.status == 400)
            #expect(yaml.message.contains("YAML"))
            let notAnObject = try await http.send("POST", "/api/v1/namespaces/default/configmaps", body: "[1,2]", contentType: "application/json")
            #expect(notAnObject.status == 400)
            let goodYAML = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: from-yaml}\ndata: {a: b}\n", contentType: "application/yaml")
            #expect(goodYAML.status == 201)
            let deep = String(repeating: "[", count: 10_000)
            let nested = try await http.send("POST", "/api/v1/namespaces/default/configmaps", body: deep, contentType: "application/json")
            #expect(nested.status == 400)
            #expect(try await http.send("GET", "/api/v1/namespaces/default/configmaps/from-yaml").status == 200)
        }
    }

    @Test func unknownResourcesAndPaths() async throws {
        try await withServer { _, http in
            for path in ["/apis/nope.example.com/v1/namespaces/default/things", "/api/v1/namespaces/default/gizmos", "/apis/nope.example.com", "/nowhere"] {
                let response = try await http.send("GET", path)
                #expect(response.status == 404, "\(path)")
                #expect(response.reason == "NotFound", "\(path)")
            }
            let subresource = try await http.send("GET", "/api/v1/namespaces/default/configmaps/x/scale")
            #expect(subresource.status == 404)
            let method = try await http.send("PUT", "/api/v1/namespaces/default/configmaps", body: "{}", contentType: "application/json")
            #expect(method.status == 405)
        }
    }

    @Test func wrongPatchContentType() async throws {
        try await withServer { _, http in
            _ = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}"#, contentType: "application/json")
            let plain = try await http.send("PATCH", "/api/v1/namespaces/default/configmaps/a", body: "{}", contentType: "text/plain")
            #expect(plain.status == 415)
            #expect(plain.reason == "UnsupportedMediaType")
            #expect(plain.message.contains("application/merge-patch+json"))
            let json = try await http.send("PATCH", "/api/v1/namespaces/default/configmaps/a", body: "{}", contentType: "application/json")
            #expect(json.status == 415)
            let badPatch = try await http.send(
                "PATCH", "/api/v1/namespaces/default/configmaps/a", body: "{not json", contentType: "application/merge-patch+json")
            #expect(badPatch.status == 400)
            let badOps = try await http.send(
                "PATCH", "/api/v1/namespaces/default/configmaps/a", body: #"[{"op":"explode","path":"/x"}]"#,
                contentType: "application/json-patch+json")
            #expect(badOps.status == 422)
            let protobuf = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps", body: "\u{0}k8s", contentType: "application/vnd.kubernetes.protobuf")
            #expect(protobuf.status == 400, "not the Kubernetes magic number")
            let truncated = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps", bodyBytes: Array("k8s\u{0}".utf8) + [0x12, 0x7f, 0x0a],
                contentType: "application/vnd.kubernetes.protobuf")
            #expect(truncated.status == 400 && truncated.message.contains("protobuf"), "\(truncated.body)")
            let otherKind = try await http.send(
                "POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", bodyBytes: Array("k8s\u{0}".utf8),
                contentType: "application/vnd.kubernetes.protobuf")
            #expect(otherKind.status == 415)
        }
    }

    @Test func hugeBodiesAndObjects() async throws {
        try await withServer(KubeTestServerConfiguration(maxRequestBytes: 64 * 1024, maxObjectBytes: 16 * 1024)) { _, http in
            let tooBigRequest = String(repeating: "x", count: 100 * 1024)
            let request = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":""# + tooBigRequest + #""}}"#,
                contentType: "application/json")
            #expect(request.status == 413)
            #expect(request.reason == "RequestEntityTooLarge")
            let tooBigObject = String(repeating: "y", count: 20 * 1024)
            let object = try await http.send(
                "POST", "/api/v1/namespaces/default/configmaps",
                body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"big"},"data":{"x":""# + tooBigObject + #""}}"#,
                contentType: "application/json")
            #expect(object.status == 413)
            // The connection-level limit did not break the server.
            #expect(try await http.send("GET", "/api/v1/namespaces/default/configmaps").status == 200)
        }
    }

    @Test func nonsenseWatchAndListParameters() async throws {
        try await withServer { _, http in
            let watch = try await http.send("GET", "/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=banana")
            #expect(watch.status == 400)
            #expect(watch.message.contains("banana"))
            let negative = try await http.send("GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=-5")
            #expect(negative.status == 400)
            let timeout = try await http.send("GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=soon")
            #expect(timeout.status == 400)
            let selector = try await http.send("GET", "/api/v1/namespaces/default/configmaps?labelSelector=a%20in%20(b")
            #expect(selector.status == 400)
            let limit = try await http.send("GET", "/api/v1/namespaces/default/configmaps?limit=many")
            #expect(limit.status == 400)
            let token = try await http.send("GET", "/api/v1/namespaces/default/configmaps?limit=1&continue=%25%25%25")
            #expect(token.status == 400)
        }
    }

    @Test func objectsThatBreakTheRules() async throws {
        try await withServer { _, http in
            let path = "/api/v1/namespaces/default/configmaps"
            // Type fields left out come from the URL, as on the real server; wrong ones are refused.
            let noKind = try await http.send("POST", path, body: #"{"metadata":{"name":"a"}}"#, contentType: "application/json")
            #expect(noKind.status == 201)
            #expect(noKind.json?["kind"] == "ConfigMap" && noKind.json?["apiVersion"] == "v1")
            let wrongKind = try await http.send(
                "POST", path, body: #"{"kind":"Secret","metadata":{"name":"b"}}"#, contentType: "application/json")
            #expect(wrongKind.status == 400)
            let wrongNamespace = try await http.send(
                "POST", path, body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a","namespace":"other"}}"#,
                contentType: "application/json")
            #expect(wrongNamespace.status == 400)
            let noName = try await http.send("POST", path, body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{}}"#, contentType: "application/json")
            #expect(noName.status == 422)
            let generated = try await http.send(
                "POST", path, body: #"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"generateName":"gen-"}}"#, contentType: "application/json")
            #expect(generated.status == 201)
            #expect(generated.json?["metadata"]?["name"]?.stringValue?.hasPrefix("gen-") == true)
            let badCRD = try await http.send(
                "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                body: #"{"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"wrong.name"},"spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},"versions":[{"name":"v1","served":true,"storage":true}]}}"#,
                contentType: "application/json")
            #expect(badCRD.status == 422)
            // A custom resource's PUT must carry a resourceVersion.
            _ = try await http.send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: widgetDefinitionYAML, contentType: "application/yaml")
            _ = try await http.send("POST", "/apis/example.com/v1/namespaces/default/widgets", body: widgetYAML("w", size: 1), contentType: "application/yaml")
            let unconditional = try await http.send(
                "PUT", "/apis/example.com/v1/namespaces/default/widgets/w", body: widgetYAML("w", size: 2), contentType: "application/yaml")
            #expect(unconditional.status == 422)
            let renamed = try await http.send(
                "PUT", "/apis/example.com/v1/namespaces/default/widgets/w", body: widgetYAML("other", size: 2), contentType: "application/yaml")
            #expect(renamed.status == 400)
        }
    }

    @Test func bearerTokenIsRequiredWhenConfigured() async throws {
        try await withServer(KubeTestServerConfiguration(token: "t0ken")) { _, http in
            let anonymous = try await http.send("GET", "/api/v1/namespaces")
            #expect(anonymous.status == 401)
            #expect(anonymous.reason == "Unauthorized")
            var authorized = http
            authorized.headers = ["Authorization: Bearer t0ken"]
            #expect(try await authorized.send("GET", "/api/v1/namespaces").status == 200)
            #expect(try await http.send("GET", "/healthz").status == 200)
        }
    }
}
