import Foundation
import StructuredData
import Testing
import TestSupport

/// `make deploy` / `make undeploy` / `make install` / `make uninstall` of every variant, with real
/// kubectl against kube-testserver, in a cluster where Argo Events is installed: Argo's CRDs and
/// one of Argo's own EventSources (a webhook one) are there before and must be there after.
@Suite struct UninstallKeepsArgoTests {
    /// Every kustomization a user deploys: base and each folder under manifests/variants, read from
    /// the tree, so a variant added later is covered without touching this test.
    static var variants: [String] {
        let folder = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/variants")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        let found = names.filter { FileManager.default.fileExists(atPath: folder.appendingPathComponent("\($0)/kustomization.yaml").path) }
        return ["base"] + found.sorted().map { "variants/\($0)" }
    }

    /// The make targets, pointed at this server through KUBECTL, as a user would point them at a context.
    private struct Make {
        let server: KubeTestServerProcess
        let cache: String
        let deployFolder: String

        func run(_ target: String, _ variables: [String] = []) async throws -> CommandRun.Output {
            let kubectl = "\(Kubectl.executable) --kubeconfig \(server.kubeconfigPath) --cache-dir \(cache)"
            return try await CommandRun.run(
                "/usr/bin/make",
                ["-s", "-C", BuiltProducts.repositoryRoot.path, target, "KUBECTL=\(kubectl)", "DEPLOY_DIR=\(deployFolder)"] + variables,
                environment: ["KUBECONFIG": "", "HOME": cache])
        }

        @discardableResult
        func succeed(_ target: String, _ variables: [String] = []) async throws -> String {
            let result = try await run(target, variables)
            try #require(result.status == 0, "make \(target) \(variables): \(result.standardOutput)\(result.standardError)")
            return result.standardOutput
        }
    }

    private static func withCluster(_ body: (Kubectl, Make, KubeTestServerProcess) async throws -> Void) async throws {
        let server = try await KubeTestServerProcess()
        defer { server.stop() }
        let cache = server.directory.appendingPathComponent("cache").path
        let kubectl = Kubectl(kubeconfig: server.kubeconfigPath, cacheDirectory: cache)
        let make = Make(server: server, cache: cache, deployFolder: server.directory.appendingPathComponent("deploy").path)
        try await body(kubectl, make, server)
    }

    /// Argo Events' own install: its two CRDs (no schema for the spec, a status subresource), its
    /// namespace and a webhook EventSource there.
    private static func installArgoEvents(_ kubectl: Kubectl, _ server: KubeTestServerProcess) async throws {
        // The CRDs first, as Argo's installer applies them: kubectl cannot apply an object of a kind
        // the same apply creates.
        let crds = server.directory.appendingPathComponent("argo-events-crds.yaml").path
        try (Self.argoCRD(kind: "EventSource", plural: "eventsources", shortName: "es")
            + Self.argoCRD(kind: "EventBus", plural: "eventbus", shortName: "eb")).write(toFile: crds, atomically: true, encoding: .utf8)
        try await kubectl.succeed(["apply", "-f", crds])
        let source = server.directory.appendingPathComponent("argo-events-webhook.yaml").path
        try Self.argoNamespaceAndWebhookSource.write(toFile: source, atomically: true, encoding: .utf8)
        try await kubectl.succeed(["apply", "-f", source])
    }

    /// What must still be there: Argo's CRDs exactly as Argo left them, and its EventSource.
    private static func expectArgoIntact(_ kubectl: Kubectl, after step: String) async throws {
        for name in ["eventsources.argoproj.io", "eventbus.argoproj.io"] {
            let result = try await kubectl.run(["get", "crd", name, "-o", "json"])
            #expect(result.exitCode == 0, "Argo's CRD \(name) is gone after \(step): \(result)")
            guard result.exitCode == 0 else { continue }
            let crd = try JSONParser.parse(result.output)
            #expect(crd["metadata"]?["labels"]?["app.kubernetes.io/part-of"] == "argo-events", "\(name) was taken over in \(step)")
            let schema = crd["spec"]?["versions"]?.arrayValue?.first?["schema"]?["openAPIV3Schema"]
            #expect(schema?["x-kubernetes-preserve-unknown-fields"] == true, "\(name) was overwritten in \(step)")
        }
        let source = try await kubectl.run(["get", "eventsource", "webhook", "-n", "argo-events", "-o", "name"])
        #expect(source.exitCode == 0 && source.output.contains("webhook"), "Argo's webhook EventSource after \(step): \(source)")
    }

    @Test(arguments: variants)
    func argosCRDsAndEventSourcesSurviveDeployAndUndeploy(variant: String) async throws {
        try await Self.withCluster { kubectl, make, server in
            try await Self.installArgoEvents(kubectl, server)

            let deployed = try await make.succeed("deploy", ["IMG=registry.example/redis-eventsource:9.9.9", "VARIANT=\(variant)"])
            let deployment = try await kubectl.run(["get", "deployment", "redis-eventsource", "-n", "redis-eventsource", "-o", "name"])
            #expect(deployment.exitCode == 0, "\(variant) deployed no controller: \(deployed)")
            try await Self.expectArgoIntact(kubectl, after: "make deploy VARIANT=\(variant)")

            try await make.succeed("undeploy")
            try await Self.expectArgoIntact(kubectl, after: "make undeploy of \(variant)")
            let left = try await kubectl.run(["get", "deployment", "redis-eventsource", "-n", "redis-eventsource", "-o", "name"])
            #expect(left.exitCode != 0 || left.output.isEmpty, "\(variant)'s controller outlived make undeploy")
            let roles = try await kubectl.succeed(["get", "clusterroles", "-o", "name"])
            #expect(!roles.contains("redis-eventsource"), "\(variant)'s ClusterRoles outlived make undeploy: \(roles)")

            // The blunt paths: the default install's undeploy whatever was deployed, and the CRD uninstall.
            try await make.succeed("undeploy", ["VARIANT=base"])
            try await make.succeed("uninstall")
            try await Self.expectArgoIntact(kubectl, after: "make undeploy VARIANT=base and make uninstall")
        }
    }

    /// The other half: CRDs our own install created are ours to remove, with what is in them.
    @Test(arguments: variants.filter { $0 != "variants/with-argo-events" })
    func crdsOurInstallCreatedGoWithUndeploy(variant: String) async throws {
        try await Self.withCluster { kubectl, make, server in
            let crds = try await Self.crdNames(in: variant, kubectl)
            #expect(!crds.isEmpty, "\(variant) installs no CRD")
            try await make.succeed("deploy", ["VARIANT=\(variant)"])
            for name in crds {
                let crd = try JSONParser.parse(try await kubectl.succeed(["get", "crd", name, "-o", "json"]))
                #expect(crd["metadata"]?["labels"]?["redis-eventsource/created-by-install"] == "true", "\(name)")
            }
            try await make.succeed("deploy", ["VARIANT=\(variant)"])  // a re-deploy (an upgrade) keeps the mark
            for name in crds {
                let again = try JSONParser.parse(try await kubectl.succeed(["get", "crd", name, "-o", "json"]))
                #expect(again["metadata"]?["labels"]?["redis-eventsource/created-by-install"] == "true", "\(name)")
            }

            try await make.succeed("undeploy")
            for name in crds {
                let result = try await kubectl.run(["get", "crd", name, "-o", "name"])
                #expect(result.exitCode != 0, "\(name), created by make deploy, outlived make undeploy")
            }
        }
    }

    /// The CRDs a variant's rendered manifests hold, by name.
    private static func crdNames(in variant: String, _ kubectl: Kubectl) async throws -> [String] {
        let folder = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/\(variant)").path
        let rendered = try await kubectl.succeed(["kustomize", folder])
        return rendered.components(separatedBy: "\n---\n").filter { $0.contains("\nkind: CustomResourceDefinition\n") }
            .compactMap { document in
                document.split(separator: "\n").first { $0.hasPrefix("  name: ") }.map { String($0.dropFirst(8)) }
            }
    }

    @Test func installThenUninstallRemovesTheCRDsItCreatedAndOnlyThose() async throws {
        try await Self.withCluster { kubectl, make, server in
            try await make.succeed("install")
            #expect(try await kubectl.succeed(["get", "crd", "-o", "name"]).contains("eventsources.argoproj.io"))
            try await make.succeed("uninstall")
            #expect(!(try await kubectl.succeed(["get", "crd", "-o", "name"])).contains("argoproj.io"))

            try await Self.installArgoEvents(kubectl, server)
            let installed = try await make.succeed("install")
            #expect(installed.contains("keeping customresourcedefinition eventsources.argoproj.io"), "\(installed)")
            try await make.succeed("uninstall")
            try await Self.expectArgoIntact(kubectl, after: "make install and make uninstall")
        }
    }

    static func argoCRD(kind: String, plural: String, shortName: String) -> String {
        """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: \(plural).argoproj.io
          labels: {app.kubernetes.io/part-of: argo-events}
        spec:
          group: argoproj.io
          names: {kind: \(kind), listKind: \(kind)List, plural: \(plural), singular: \(kind.lowercased()), shortNames: [\(shortName)]}
          scope: Namespaced
          versions:
          - name: v1alpha1
            served: true
            storage: true
            subresources: {status: {}}
            schema:
              openAPIV3Schema:
                type: object
                x-kubernetes-preserve-unknown-fields: true
                properties:
                  apiVersion: {type: string}
                  kind: {type: string}
                  metadata: {type: object}
        ---

        """
    }

    static let argoNamespaceAndWebhookSource = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: argo-events}
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: EventSource
        metadata: {name: webhook, namespace: argo-events}
        spec:
          service:
            ports: [{port: 12000, targetPort: 12000}]
          webhook:
            example: {port: "12000", endpoint: /example, method: POST}

        """
}
