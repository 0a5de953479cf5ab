import Foundation
import StructuredData
import Testing
import TestSupport

/// The operator end to end: kubectl, kube-testserver, redis-server, an HTTP receiver and the
/// controller as a real process.
@Suite struct OperatorTests {
    @Test func anAppliedEventSourceDeliversAndReportsReadyWithCounts() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let controller = try fixture.startController()
            try await fixture.apply(fixture.eventSourceYAML(name: "orders", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("orders")
            let id = try await fixture.client.xadd("FOO", [("message", "hello")])
            let request = try #require(try await fixture.receiver.waitForRequests(1).first)
            #expect(request.header("ce-source") == "orders")
            #expect(request.header("ce-subject") == "example")
            #expect(try JSONParser.parse(request.bodyText)["message_id"]?.stringValue == id)
            try await waitUntil("the forwarded count in status") {
                try await fixture.eventSource("orders")?["status"]?["sources"]?["example"]?["forwarded"] == 1
            }
            let status = try #require(try await fixture.eventSource("orders")?["status"])
            #expect(status["observedGeneration"] == 1)
            #expect(status["sources"]?["example"]?["phase"] == "Consuming")
            #expect(status["sources"]?["example"]?["pending"] == ["FOO": 0])
            #expect(status["sources"]?["example"]?["consumerGroup"] == "argo-events-cg")
            let table = try await fixture.kubectl.succeed(["get", "es"])
            #expect(table.contains("orders"))
            #expect(table.contains("True"))
            #expect(table.contains("Consuming"))
            #expect(try await fixture.eventReasons(about: "orders").contains("AdapterStarted"))
            #expect(controller.isRunning)
        }
    }

    @Test func editingTheStreamsMovesTheAdapter() async throws {
        try await OperatorFixture.with { fixture in
            for stream in ["OLD", "NEW"] {
                try await fixture.client.command("XGROUP", "CREATE", stream, "argo-events-cg", "$", "MKSTREAM")
            }
            try fixture.startController()
            try await fixture.apply(fixture.eventSourceYAML(name: "moving", entries: [("example", ["OLD"])]))
            try await fixture.waitForReady("moving")
            try await fixture.apply(fixture.eventSourceYAML(name: "moving", entries: [("example", ["NEW"])]))
            try await waitUntil("the restart on the new stream") {
                try await fixture.eventReasons(about: "moving").contains("AdapterRestarted")
            }
            try await fixture.waitForReady("moving")
            _ = try await fixture.client.xadd("OLD", [("ignored", "1")])
            let wanted = try await fixture.client.xadd("NEW", [("wanted", "1")])
            try await waitUntil("the entry of the new stream") { await fixture.deliveredIDs().contains(wanted) }
            #expect(await fixture.deliveredIDs() == [wanted])
            #expect(try await fixture.eventSource("moving")?["status"]?["observedGeneration"] == 2)
        }
    }

    @Test func deletingStopsTheAdapterAndKeepsTheGroup() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try fixture.startController()
            try await fixture.apply(fixture.eventSourceYAML(name: "gone", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("gone")
            try await fixture.kubectl.succeed(["delete", "eventsource", "gone"])
            try await waitUntil("the consumer to stop reading") {
                // The adapter's blocking read ends and it disconnects: no client blocked on the stream.
                let clients = try await fixture.client.command("CLIENT", "LIST").string ?? ""
                return !clients.contains("cmd=xreadgroup")
            }
            _ = try await fixture.client.xadd("FOO", [("after", "delete")])
            let groups = try await fixture.client.command("XINFO", "GROUPS", "FOO").array ?? []
            #expect(groups.count == 1)
            #expect(try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0)
            #expect(await fixture.receiver.requestCount() == 0)
        }
    }

    @Test func anInvalidSpecIsReportedWithoutDisturbingOthersAndRecoversWhenFixed() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try fixture.startController()
            try await fixture.apply(fixture.eventSourceYAML(name: "healthy", entries: [("example", ["FOO"])]))
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: broken}
                spec:
                  redisStream:
                    example: {hostAddress: "no-port-here", streams: [FOO, ""]}
                """)
            try await waitUntil("SourcesProvided=False") {
                try await fixture.condition("broken", "SourcesProvided")?["status"] == "False"
            }
            let condition = try #require(try await fixture.condition("broken", "SourcesProvided"))
            #expect(condition["reason"] == "InvalidSpec")
            let message = condition["message"]?.stringValue ?? ""
            #expect(message.contains("spec.redisStream.example.hostAddress: must be host:port"))
            // Only what the CRD's schema lets through reaches the operator (the API server refuses the rest).
            #expect(message.contains("spec.redisStream.example.streams[1]: must not be empty"))
            try await waitUntil("the Warning Event") { try await fixture.eventReasons(about: "broken").contains("InvalidSpec") }
            try await fixture.waitForReady("healthy")

            try await fixture.apply(fixture.eventSourceYAML(name: "broken", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("broken")
            #expect(try await fixture.condition("broken", "SourcesProvided")?["status"] == "True")
        }
    }

    @Test func aChangedSecretPasswordReconnectsTheAdapterWithIt() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try await fixture.client.command("CONFIG", "SET", "requirepass", "first-password")
            let admin = RedisTestClient(port: fixture.redis.port, password: "first-password")
            try fixture.startController()
            try await fixture.apply(secretYAML(password: "first-password"))
            try await fixture.apply(
                fixture.eventSourceYAML(
                    name: "secured", entries: [("example", ["FOO"])], extra: "      password: {name: redis-auth, key: password}"))
            try await fixture.waitForReady("secured")
            try await admin.command("CONFIG", "SET", "requirepass", "second-password")
            try await admin.command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
            try await fixture.waitForReady("secured", false)
            try await fixture.apply(secretYAML(password: "second-password"))
            try await fixture.waitForReady("secured")
            #expect(try await fixture.eventReasons(about: "secured").contains("AdapterRestarted"))
            await admin.close()
            let rotated = RedisTestClient(port: fixture.redis.port, password: "second-password")
            _ = try await rotated.xadd("FOO", [("after", "rotation")])
            await rotated.close()
            _ = try await fixture.receiver.waitForRequests(1)
        }
    }

    private func secretYAML(password: String) -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: redis-auth}
        data:
          password: \(Data(password.utf8).base64EncodedString())
        """
    }

    @Test func anEventSourceWithOnlyAWebhookIsLeftUntouched() async throws {
        try await OperatorFixture.with { fixture in
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            try fixture.startController()
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: webhook-only}
                spec:
                  webhook:
                    example: {port: "12000", endpoint: /example, method: POST}
                """)
            // A Redis one applied after it is handled, so by then the webhook one has been seen too.
            try await fixture.apply(fixture.eventSourceYAML(name: "marker", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("marker")
            let untouched = try #require(try await fixture.eventSource("webhook-only"))
            #expect(untouched["status"] == nil)
            #expect(try await fixture.eventReasons(about: "webhook-only").isEmpty)
        }
    }

    @Test func withoutAnySinkTheEntryDoesNotStartAndTheStatusSaysWhy() async throws {
        try await OperatorFixture.with { fixture in
            let controller = try ChildProcess(
                BuiltProducts.path("redis-eventsource"),
                [
                    "controller", "--kubeconfig", fixture.kube.kubeconfigPath, "--watch", "eventsources", "--http-port", "0",
                    "--resync-interval", "0.3",
                ])
            defer { controller.stop() }
            try await fixture.apply(fixture.eventSourceYAML(name: "sinkless", entries: [("example", ["FOO"])]))
            try await waitUntil("Deployed=False NoSink") {
                try await fixture.condition("sinkless", "Deployed")?["reason"] == "NoSink"
            }
            #expect(try await fixture.eventSource("sinkless")?["status"]?["sources"]?["example"]?["phase"] == "Failed")
        }
    }

    @Test func anUnreachableRedisLeavesTheEntryConnectingWithTheError() async throws {
        try await OperatorFixture.with { fixture in
            try fixture.startController()
            let reserved = try ReservedPort()
            defer { reserved.close() }
            let closedPort = reserved.port
            try await fixture.apply(
                """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: unreachable}
                spec:
                  redisStream:
                    example: {hostAddress: "127.0.0.1:\(closedPort)", streams: [FOO]}
                """)
            try await waitUntil("phase Connecting with an error") {
                let source = try await fixture.eventSource("unreachable")?["status"]?["sources"]?["example"]
                return source?["phase"] == "Connecting" && source?["lastError"]?.stringValue?.contains("Connection refused") == true
            }
            #expect(try await fixture.condition("unreachable", "Ready")?["reason"] == "Connecting")
        }
    }
}

extension OperatorTests {
    /// Argo Events' own CRD has no status subresource: status then goes through the main
    /// endpoint, without observedGeneration, and settles instead of rewriting itself.
    @Test func worksWithACRDThatHasNoStatusSubresource() async throws {
        try await OperatorFixture.with { fixture in
            let crdPath = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventsources.yaml").path
            let withoutSubresource = try String(contentsOfFile: crdPath, encoding: .utf8)
                .replacingOccurrences(of: "      subresources:\n        status: {}\n", with: "")
            #expect(!withoutSubresource.contains("subresources"))
            try await fixture.apply(withoutSubresource)
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let (_, httpPort) = try await fixture.startControllerWithMetrics()
            try await fixture.apply(fixture.eventSourceYAML(name: "plain", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("plain")
            #expect(try await fixture.eventSource("plain")?["status"]?["observedGeneration"] == nil)
            // Each write through the main endpoint is a watch event and a reconcile: after a few
            // counter sweeps (the adapter's group figures arriving, and under load the adapter's
            // phase reaching the status a moment after Ready showed) it must stop writing.
            try await waitForSweeps(fixture, port: httpPort, count: 5)
            let writes = try await fixture.metric("redis_eventsource_status_writes_total", port: httpPort) ?? 0
            try await waitForSweeps(fixture, port: httpPort, count: 10)
            // Nothing changed meanwhile, so nothing was written: the status has settled.
            #expect(try await fixture.metric("redis_eventsource_status_writes_total", port: httpPort) == writes)
        }
    }
}

/// Waits until the controller has made `count` more counter sweeps (one per `--status-interval`):
/// a quiet period measured by the controller's own work, not by a fixed sleep.
func waitForSweeps(_ fixture: OperatorFixture, port: Int, count: Double) async throws {
    let start = try await fixture.metric("redis_eventsource_status_sweeps_total", port: port) ?? 0
    try await waitUntil("\(Int(count)) counter sweeps") {
        (try await fixture.metric("redis_eventsource_status_sweeps_total", port: port) ?? 0) >= start + count
    }
}
