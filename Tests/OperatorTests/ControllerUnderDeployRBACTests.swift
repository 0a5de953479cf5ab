import Foundation
import StructuredData
import TestSupport
import Testing

/// The controller runs as the deploy manifests' ServiceAccount against kube-testserver with
/// `--enforce-rbac`, so every call it makes (lists, watches, status writes, Events, the Lease)
/// must be covered by the manifests' own Roles: a missing rule ends in a 403 and no Ready.
@Suite struct ControllerUnderDeployRBACTests {
    private func runUnderTheManifestsRoles(_ install: String, crd: String?) async throws {
        try await OperatorFixture.with(kubeArguments: ["--enforce-rbac"]) { fixture in
            let manifests = BuiltProducts.repositoryRoot.appendingPathComponent(install).path
            _ = try await fixture.kubectl.succeed(["apply", "-k", manifests])
            if let crd { try await fixture.apply(crd) }
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let kubeconfig = try fixture.serviceAccountKubeconfig(namespace: "redis-eventsource", name: "redis-eventsource")
            let controller = try fixture.startController(extra: [
                "--kubeconfig", kubeconfig, "--leader-elect", "--lease-namespace", "redis-eventsource",
            ])
            try await fixture.apply(fixture.eventSourceYAML(name: "guarded", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("guarded", timeout: .seconds(60))
            _ = try await fixture.client.xadd("FOO", [("message", "hello")])
            _ = try await fixture.receiver.waitForRequests(1)
            try await waitUntil("the forwarded count in status", timeout: .seconds(30)) {
                try await fixture.eventSource("guarded")?["status"]?["sources"]?["example"]?["forwarded"] == 1
            }
            try await waitUntil("an Event about it", timeout: .seconds(90)) {
                !(try await fixture.eventReasons(about: "guarded")).isEmpty
            }
            let lease = try await fixture.kubectl.run(["get", "leases", "-n", "redis-eventsource", "-o", "name"])
            #expect(lease.output.contains("lease"), "the leader's Lease: \(lease)")
            #expect(!controller.standardError.contains("forbidden") && !controller.standardOutput.contains("forbidden"),
                    "no call was refused")
        }
    }

    @Test func theDeployRolesCoverEveryCallOfTheController() async throws {
        try await runUnderTheManifestsRoles("manifests", crd: nil)
    }

    /// Argo Events' own CRD has no status subresource: status then goes through the main endpoint,
    /// which needs `patch` on eventsources itself, as the with-argo-events variant grants.
    @Test func theyCoverStatusWritesWithoutAStatusSubresource() async throws {
        let path = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventsources.yaml").path
        let withoutSubresource = try String(contentsOfFile: path, encoding: .utf8)
            .replacingOccurrences(of: "      subresources:\n        status: {}\n", with: "")
        try #require(!withoutSubresource.contains("subresources"))
        try await runUnderTheManifestsRoles("manifests/variants/with-argo-events", crd: withoutSubresource)
    }
}
