import Foundation
import StructuredData
import Testing
import TestSupport

/// manifests/variants/beside-argo-events: our CRD, RBAC for our kind only and `--watch=redisstreamsources`.
/// Rendered, it grants exactly what the controller calls in that mode; applied and deleted with kubectl
/// against kube-testserver enforcing RBAC, with Argo's CRDs and an Argo EventSource present throughout,
/// it runs a RedisStreamSource without one refused call and leaves Argo's objects as they were.
@Suite struct BesideArgoEventsVariantTests {
    /// The controller's calls with `--watch redisstreamsources`: DeployManifestTests' list with our
    /// kind in place of argoproj.io EventSources.
    static let controllerCallPaths: [(path: String, grants: [String])] =
        DeployManifestTests.controllerCallPaths.filter { !$0.grants.contains { $0.hasPrefix("argoproj.io/eventsources") } } + [
            ("RedisStreamSource watcher (ResourceWatcher: list, then watch)",
             ["redis-eventsource.io/redisstreamsources/list", "redis-eventsource.io/redisstreamsources/watch"]),
            ("StatusWriter through the status subresource", ["redis-eventsource.io/redisstreamsources/status/patch"]),
            ("StatusWriter through the main resource, when the CRD has no status subresource",
             ["redis-eventsource.io/redisstreamsources/patch"]),
        ]

    @Test func itGrantsOurKindOnlyAndNeverShipsArgosCRDs() async throws {
        let all = try await DeployManifestTests.rendered("variants/beside-argo-events")
        let crds = all.filter { $0["kind"] == "CustomResourceDefinition" }.compactMap { $0["metadata"]?["name"]?.stringValue }
        #expect(crds == ["redisstreamsources.redis-eventsource.io"])
        let clusterRole = all.first { $0["kind"] == "ClusterRole" && $0["metadata"]?["name"] == "redis-eventsource" }
        DeployManifestTests.expectExactly(Self.controllerCallPaths, granted: DeployManifestTests.grants(clusterRole), in: "ClusterRole")
        for role in all where role["kind"] == "ClusterRole" || role["kind"] == "Role" {
            #expect(!DeployManifestTests.grants(role).contains { $0.hasPrefix("argoproj.io/eventsources") }, "\(role["metadata"] ?? .null)")
        }
        let view = all.first { $0["metadata"]?["labels"]?["rbac.authorization.k8s.io/aggregate-to-view"] == "true" }
        #expect(DeployManifestTests.grants(view).contains("redis-eventsource.io/redisstreamsources/list"))
        let deployment = all.first { $0["kind"] == "Deployment" }
        let args = deployment?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["args"]?.arrayValue ?? []
        #expect(args.contains("--watch=redisstreamsources"))
        #expect(!args.contains("--watch=eventsources"))
    }

    @Test func itInstallsRunsAndUninstallsWithArgosCRDsAndEventSourcesSurviving() async throws {
        try await OperatorFixture.with(kubeArguments: ["--enforce-rbac"]) { fixture in
            // A cluster-wide Argo Events is there first, with an EventSource it runs.
            try await fixture.installArgoCRDs()
            _ = try await fixture.client.xadd("ARGO", [("for", "argo")])
            try await fixture.apply(fixture.argoEventSource("argo-owned", stream: "ARGO"))
            // Another EventBus of Argo's (not `default`, so the source still goes to --default-sink).
            try await fixture.apply("""
                apiVersion: argoproj.io/v1alpha1
                kind: EventBus
                metadata: {name: argo-bus}
                spec: {jetstream: {version: latest}}
                """)
            let argoCRDsBefore = try await fixture.kubectl.succeed(["get", "crd", "eventsources.argoproj.io", "eventbus.argoproj.io", "-o", "name"])

            _ = try await fixture.kubectl.succeed(["apply", "-k", OperatorFixture.besideArgoVariant])
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let kubeconfig = try fixture.serviceAccountKubeconfig(namespace: "redis-eventsource", name: "redis-eventsource")
            let controller = try fixture.startController(extra: [
                "--kubeconfig", kubeconfig, "--leader-elect", "--lease-namespace", "redis-eventsource",
                "--watch", "redisstreamsources",
            ])
            try await fixture.apply(try fixture.convertedArgoExample())
            try await fixture.waitForRedisStreamSourceReady("redis-stream", timeout: .seconds(90))
            _ = try await fixture.client.xadd("FOO", [("message", "hello")])
            _ = try await fixture.receiver.waitForRequests(1)
            try await waitUntil("the forwarded count in status") {
                try await fixture.redisStreamSource("redis-stream")?["status"]?["sources"]?["example"]?["forwarded"] == 1
            }
            try await waitUntil("an Event about it", timeout: .seconds(90)) {
                !(try await fixture.eventReasons(about: "redis-stream")).isEmpty
            }
            let output = controller.standardError + controller.standardOutput
            #expect(!output.contains("forbidden"), "no call was refused")
            let problems = try await fixture.expectLeftAlone(eventSource: "argo-owned", stream: "ARGO")
            #expect(problems.isEmpty, "\(problems)")
            controller.stop()

            _ = try await fixture.kubectl.succeed(["delete", "-k", OperatorFixture.besideArgoVariant, "--wait=false"])
            try await waitUntil("our CRD gone") {
                try await fixture.kubectl.run(["get", "crd", "redisstreamsources.redis-eventsource.io"]).exitCode != 0
            }
            #expect(try await fixture.kubectl.succeed(["get", "crd", "eventsources.argoproj.io", "eventbus.argoproj.io", "-o", "name"])
                == argoCRDsBefore)
            #expect(try await fixture.eventSource("argo-owned") != nil, "Argo's EventSource survives")
            #expect(try await fixture.kubectl.run(["get", "eventbus", "argo-bus"]).exitCode == 0, "Argo's EventBus survives")
            #expect(try await fixture.eventSource("argo-owned")?["spec"]?["redisStream"]?["example"]?["streams"] == ["ARGO"])
        }
    }
}
