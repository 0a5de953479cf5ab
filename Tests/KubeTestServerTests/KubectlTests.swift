import Foundation
import StructuredData
import TestSupport
import Testing

/// Real kubectl against the built `kube-testserver` process: the server must be good enough
/// for the commands a person uses while running the operator.
@Suite(.serialized, .enabled(if: Kubectl.isInstalled, "kubectl is not installed"))
struct KubectlTests {
    private func json(_ text: String) throws -> JSONValue {
        try JSONParser.parse(text)
    }

    @Test func applyGetPatchDescribeAndDelete() async throws {
        try await KubectlSession.with { server, kubectl in
            let crd = try KubectlSession.write(server, "crd.yaml", widgetDefinitionYAML)
            #expect(try await kubectl.succeed(["apply", "-f", crd]).contains("created"))
            let resources = try await kubectl.succeed(["api-resources", "--api-group=example.com"])
            #expect(resources.contains("widgets") && resources.contains("wd") && resources.contains("Widget"))

            let widgets = try KubectlSession.write(server, "widgets.yaml", widgetYAML("w1", size: 3) + "---\n" + widgetYAML("w2", size: 5))
            let applied = try await kubectl.succeed(["apply", "-f", widgets])
            #expect(applied.contains("widget.example.com/w1 created") && applied.contains("widget.example.com/w2 created"))

            // Table output with the CRD's printer columns, by short name too.
            let table = try await kubectl.succeed(["get", "wd"])
            let header = try #require(table.split(separator: "\n").first)
            #expect(header.contains("NAME") && header.contains("SIZE") && header.contains("PHASE") && header.contains("AGE"))
            #expect(table.contains("w1") && table.contains("w2"))

            let object = try json(try await kubectl.succeed(["get", "widget", "w1", "-o", "json"]))
            #expect(object["spec"]?["size"] == 3)
            #expect(object["metadata"]?["generation"] == 1)
            let list = try json(try await kubectl.succeed(["get", "widgets", "-l", "app=demo", "-o", "json"]))
            #expect(list["items"]?.arrayValue?.count == 2)
            let yaml = try await kubectl.succeed(["get", "widget", "w1", "-o", "yaml"])
            #expect(yaml.contains("kind: Widget") && yaml.contains("size: 3") && yaml.contains("uid:"))

            #expect(try await kubectl.succeed(["patch", "widget", "w1", "--type", "merge", "-p", #"{"spec":{"size":4}}"#]).contains("patched"))
            #expect(try await kubectl.succeed([
                "patch", "widget", "w1", "--type", "merge", "--subresource", "status", "-p", #"{"status":{"phase":"Ready"}}"#,
            ]).contains("patched"))
            let patched = try json(try await kubectl.succeed(["get", "widget", "w1", "-o", "json"]))
            #expect(patched["spec"]?["size"] == 4)
            #expect(patched["status"]?["phase"] == "Ready")
            #expect(patched["metadata"]?["generation"] == 2, "the status patch did not bump generation")
            let row = try await kubectl.succeed(["get", "widget", "w1", "--no-headers"])
            #expect(row.contains("4") && row.contains("Ready"))

            // Re-applying the manifest changes spec back and keeps status.
            _ = try await kubectl.succeed(["apply", "-f", widgets])
            let reapplied = try json(try await kubectl.succeed(["get", "widget", "w1", "-o", "json"]))
            #expect(reapplied["spec"]?["size"] == 3)
            #expect(reapplied["status"]?["phase"] == "Ready")

            // describe shows the object and the Events about it.
            let uid = try #require(reapplied["metadata"]?["uid"]?.stringValue)
            let event = try KubectlSession.write(server, "event.yaml", """
                apiVersion: events.k8s.io/v1
                kind: Event
                metadata: {name: w1.event1, namespace: default}
                eventTime: "2025-01-01T00:00:00.000000Z"
                reportingController: example.com/operator
                reportingInstance: operator-0
                action: Reconcile
                reason: SourceStarted
                note: started 1 adapter
                type: Normal
                regarding: {apiVersion: example.com/v1, kind: Widget, name: w1, namespace: default, uid: \(uid)}
                """)
            _ = try await kubectl.succeed(["apply", "-f", event])
            let described = try await kubectl.succeed(["describe", "widget", "w1"])
            #expect(described.contains("Name:") && described.contains("w1"))
            #expect(described.contains("Phase:") && described.contains("Ready"))
            #expect(described.contains("SourceStarted") && described.contains("started 1 adapter"))

            // delete: plain, and held by a finalizer until it is removed.
            #expect(try await kubectl.succeed(["delete", "widget", "w2"]).contains("deleted"))
            let gone = try await kubectl.run(["get", "widget", "w2"])
            #expect(gone.exitCode != 0 && gone.errorOutput.contains("NotFound"))
            let held = try KubectlSession.write(server, "held.yaml", widgetYAML("held", size: 1, finalizers: ["example.com/cleanup"]))
            _ = try await kubectl.succeed(["apply", "-f", held])
            _ = try await kubectl.succeed(["delete", "widget", "held", "--wait=false"])
            let terminating = try json(try await kubectl.succeed(["get", "widget", "held", "-o", "json"]))
            #expect(terminating["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            _ = try await kubectl.succeed(["patch", "widget", "held", "--type", "merge", "-p", #"{"metadata":{"finalizers":null}}"#])
            #expect(try await kubectl.run(["get", "widget", "held"]).exitCode != 0)

            // Deleting the CRD takes the resource type away.
            _ = try await kubectl.succeed(["delete", "-f", crd])
            let unknown = try await kubectl.run(["get", "widgets"])
            #expect(unknown.exitCode != 0)
            #expect(unknown.errorOutput.contains("doesn't have a resource type") || unknown.errorOutput.contains("NotFound"))
        }
    }

    @Test func getWatchFollowsChanges() async throws {
        try await KubectlSession.with { server, kubectl in
            _ = try await kubectl.succeed(["apply", "-f", try KubectlSession.write(server, "crd.yaml", widgetDefinitionYAML)])
            _ = try await kubectl.succeed(["apply", "-f", try KubectlSession.write(server, "w1.yaml", widgetYAML("w1", size: 1))])
            let watch = try kubectl.start(["get", "widgets", "-w"])
            defer { watch.stop() }
            try await waitUntil("kubectl get -w to list w1") { watch.standardOutput.contains("w1") }
            _ = try await kubectl.succeed(["patch", "widget", "w1", "--type", "merge", "-p", #"{"spec":{"size":7}}"#])
            try await waitUntil("the change to show") {
                watch.standardOutputLines.contains { $0.hasPrefix("w1") && $0.contains("7") }
            }
            _ = try await kubectl.succeed(["apply", "-f", try KubectlSession.write(server, "w2.yaml", widgetYAML("w2", size: 2))])
            try await waitUntil("the new object to show") { watch.standardOutputLines.contains { $0.hasPrefix("w2") } }
            #expect(watch.isRunning, "the watch is still open")
        }
    }

    @Test func overTLSWithATokenAndWithAClientCertificate() async throws {
        try await KubectlSession.with(["--tls", "--token", "kubectl-token"]) { server, kubectl in
            #expect(server.url.hasPrefix("https://127.0.0.1:"))
            let config = try String(contentsOfFile: server.kubeconfigPath, encoding: .utf8)
            #expect(config.contains("certificate-authority-data") && config.contains("token"))
            #expect(try await kubectl.succeed(["get", "namespaces"]).contains("default"))
        }
        try await KubectlSession.with(["--tls"]) { server, kubectl in
            let config = try String(contentsOfFile: server.kubeconfigPath, encoding: .utf8)
            #expect(config.contains("client-certificate-data") && !config.contains("token:"))
            #expect(try await kubectl.succeed(["get", "namespaces", "-o", "name"]).contains("namespace/kube-system"))
            _ = try await kubectl.succeed(["apply", "-f", try KubectlSession.write(server, "crd.yaml", widgetDefinitionYAML)])
            #expect(try await kubectl.succeed(["get", "crd"]).contains("widgets.example.com"))
        }
    }

    @Test func faultFlagsOnTheCommandLine() async throws {
        try await KubectlSession.with(["--error-fraction", "1"]) { _, kubectl in
            let result = try await kubectl.run(["get", "--raw", "/api/v1/namespaces"])
            #expect(result.exitCode != 0)
            #expect(result.errorOutput.contains("Internal") || result.errorOutput.contains("500"))
        }
    }

    @Test func rejectsBadFlags() async throws {
        let child = try ChildProcess(BuiltProducts.path("kube-testserver"), ["--error-fraction", "2"])
        defer { child.stop() }
        #expect(try await child.waitForExit() != 0)
    }
}
