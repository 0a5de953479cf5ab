import Foundation
import KubeTestServer
import TestSupport
import Testing

/// Namespaces end as on a cluster: `Terminating` first, refusing new content, then gone with all they held.
@Suite struct NamespaceLifecycleTests {
    @Test func aDeletedNamespaceTerminatesThenGoesWithItsContents() async throws {
        try await withServer(KubeTestServerConfiguration(namespaceTerminationSeconds: 1)) { _, http in
            try await http.send("POST", "/api/v1/namespaces", body: #"{"metadata":{"name":"doomed"}}"#, contentType: "application/json")
                .expectStatus(201)
            try await http.send("POST", "/api/v1/namespaces/doomed/configmaps", body: #"{"metadata":{"name":"c"}}"#,
                                contentType: "application/json").expectStatus(201)
            let deleted = try await http.send("DELETE", "/api/v1/namespaces/doomed")
            #expect(deleted.json?["status"]?["phase"] == "Terminating")
            let refused = try await http.send(
                "POST", "/api/v1/namespaces/doomed/configmaps", body: #"{"metadata":{"name":"d"}}"#, contentType: "application/json")
            #expect(refused.status == 403 && refused.message.contains("because it is being terminated"))
            #expect(try await http.send("GET", "/api/v1/namespaces/doomed/configmaps/c").status == 200, "still there while terminating")
            try await waitUntil("the namespace to go", timeout: .seconds(30)) {
                try await http.send("GET", "/api/v1/namespaces/doomed").status == 404
            }
            #expect(try await http.send("GET", "/api/v1/namespaces/doomed/configmaps/c").status == 404)
        }
    }
}
