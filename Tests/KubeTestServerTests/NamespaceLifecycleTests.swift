import Foundation
import KubeTestServer
import TestSupport
import Testing

/// Namespaces end as on a cluster: `Terminating` first, refusing new content, then gone with all they held.
@Suite struct NamespaceLifecycleTests {
    private func makeNamespaceWithAConfigMap(_ http: HTTPProbe) async throws {
        try await http.send("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"doomed"}}"#, contentType: "application/json")
            .expectStatus(201)
        try await http.send("POST", "/api/v1/namespaces/doomed/configmaps", body: #"{"metadata":{"name":"c"}}"#,
                            contentType: "application/json").expectStatus(201)
    }

    @Test func aTerminatingNamespaceKeepsItsContentsAndRefusesNewOnes() async throws {
        // Terminating for far longer than the test, however loaded the machine.
        try await withServer(KubeTestServerConfiguration(namespaceTerminationSeconds: 3600)) { _, http in
            try await makeNamespaceWithAConfigMap(http)
            let deleted = try await http.send("DELETE", "/api/v1/namespaces/doomed")
            #expect(deleted.json?["status"]?["phase"] == "Terminating")
            #expect(deleted.json?["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            let refused = try await http.send(
                "POST", "/api/v1/namespaces/doomed/configmaps", body: #"{"metadata":{"name":"d"}}"#, contentType: "application/json")
            #expect(refused.status == 403 && refused.reason == "Forbidden")
            #expect(refused.message.contains("because it is being terminated"))
            #expect(try await http.send("GET", "/api/v1/namespaces/doomed/configmaps/c").status == 200)
            #expect(try await http.send("DELETE", "/api/v1/namespaces/doomed/configmaps/c").status == 200,
                    "deleting its contents still works, as kubectl delete -k does")
        }
    }

    @Test func aTerminatedNamespaceGoesWithItsContents() async throws {
        try await withServer(KubeTestServerConfiguration(namespaceTerminationSeconds: 0)) { _, http in
            try await makeNamespaceWithAConfigMap(http)
            _ = try await http.send("DELETE", "/api/v1/namespaces/doomed")
            try await waitUntil("the namespace to go", timeout: .seconds(30)) {
                try await http.send("GET", "/api/v1/namespaces/doomed").status == 404
            }
            #expect(try await http.send("GET", "/api/v1/namespaces/doomed/configmaps/c").status == 404)
        }
    }
}
