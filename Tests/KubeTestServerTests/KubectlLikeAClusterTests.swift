import Foundation
import StructuredData
import TestSupport
import Testing

/// kubectl used as against a real cluster, with no flags to help the server: schema validation,
/// `explain`, protobuf `create`, the usual table columns, and the deploy manifests (issue 11 §2).
@Suite(.serialized, .enabled(if: Kubectl.isInstalled, "kubectl is not installed"))
struct KubectlLikeAClusterTests {
    private func repositoryFile(_ path: String) -> String {
        BuiltProducts.repositoryRoot.appendingPathComponent(path).path
    }

    private func applyEventSourceCRD(_ kubectl: Kubectl) async throws {
        #expect(try await kubectl.succeed(["apply", "-f", repositoryFile("manifests/crds/argoproj.io_eventsources.yaml")])
            .contains("created"))
    }

    @Test func applyValidatesAgainstTheCRDSchemaAsARealServerDoes() async throws {
        try await KubectlSession.with { server, kubectl in
            try await applyEventSourceCRD(kubectl)
            let example = try await kubectl.succeed(["apply", "-f", repositoryFile("manifests/examples/redis-streams.yaml")])
            #expect(example.contains("eventsource.argoproj.io/redis-stream created"))

            let invalid = try KubectlSession.write(server, "invalid.yaml", """
                apiVersion: argoproj.io/v1alpha1
                kind: EventSource
                metadata: {name: bad}
                spec:
                  sink: {uri: stdout, mode: sideways}
                  redisStream:
                    example: {streams: [], claimMinIdleSeconds: 0, sentinel: {addresses: []}}
                """)
            let refused = try await kubectl.run(["apply", "-f", invalid])
            #expect(refused.exitCode != 0)
            let message = refused.errorOutput
            #expect(message.contains("The EventSource \"bad\" is invalid"), "\(refused)")
            #expect(message.contains("spec.redisStream.example.sentinel.masterName: Required value"), "\(refused)")
            #expect(message.contains(
                "spec.redisStream.example.claimMinIdleSeconds: Invalid value: 0: spec.redisStream.example.claimMinIdleSeconds in body should be greater than or equal to 1"))
            #expect(message.contains("spec.redisStream.example.streams: Invalid value: 0"))
            #expect(message.contains(#"spec.sink.mode: Unsupported value: "sideways": supported values: "binary", "structured""#))
            #expect(try await kubectl.run(["get", "eventsource", "bad"]).exitCode != 0, "nothing was stored")

            // The EventSource CRD preserves unknown fields (the controller warns about them), so a CRD
            // with a closed schema shows the rest: kubectl's default --validate=strict refuses an
            // undeclared field, and the server prunes it otherwise.
            _ = try await kubectl.succeed(["apply", "-f", try KubectlSession.write(server, "servicemonitor-crd.yaml", Self.serviceMonitorCRD)])
            let unknownField = try KubectlSession.write(server, "unknown.yaml", """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: typo}
                spec:
                  selector: {matchLabels: {app: x}}
                  endpoints: [{port: metrics, colour: blue}]
                """)
            let strict = try await kubectl.run(["apply", "-f", unknownField])
            #expect(strict.exitCode != 0)
            #expect(strict.errorOutput.contains(#"strict decoding error: unknown field "spec.endpoints[0].colour""#), "\(strict)")
            // --validate=warn asks the server to drop what it does not know, and say so.
            let warned = try await kubectl.run(["apply", "--validate=warn", "-f", unknownField])
            #expect(warned.exitCode == 0)
            #expect(warned.errorOutput.contains(#"Warning: unknown field "spec.endpoints[0].colour""#), "\(warned)")
            let stored = try JSONParser.parse(try await kubectl.succeed(["get", "servicemonitor", "typo", "-o", "json"]))
            let endpoint = stored["spec"]?["endpoints"]?.arrayValue?.first
            #expect(endpoint?["port"] == "metrics")
            #expect(endpoint?["colour"] == nil, "pruned: the schema does not preserve unknown fields there")
        }
    }

    /// `kubectl apply -f manifests/crds/` as a newcomer types it: the folder's kustomization.yaml is a
    /// kind no server serves, so kubectl validates it against /openapi/v2 (which must parse) and the
    /// server's discovery, and says "no matches for kind" as it does against a real cluster.
    @Test func applyingTheCRDFolderCreatesBothAndNamesTheUnknownKind() async throws {
        try await KubectlSession.with { _, kubectl in
            let folder = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds").path
            let result = try await kubectl.run(["apply", "-f", folder])
            #expect(result.output.contains("customresourcedefinition.apiextensions.k8s.io/eventsources.argoproj.io created"), "\(result)")
            #expect(result.output.contains("customresourcedefinition.apiextensions.k8s.io/eventbus.argoproj.io created"), "\(result)")
            #expect(!result.errorOutput.contains("mime:"), "\(result)")
            #expect(
                result.errorOutput.contains(#"no matches for kind "Kustomization" in version "kustomize.config.k8s.io/v1beta1""#),
                "\(result)")
        }
    }

    @Test func explainReadsTheCRDSchema() async throws {
        try await KubectlSession.with { _, kubectl in
            try await applyEventSourceCRD(kubectl)
            let explained = try await kubectl.succeed(["explain", "eventsource.spec.redisStream"])
            #expect(explained.contains("KIND:       EventSource"), "\(explained)")
            #expect(explained.contains("FIELD: redisStream"))
            #expect(explained.contains("Redis Streams sources, by event name"))
            #expect(explained.contains("hostAddress") && explained.contains("streams") && explained.contains("<[]string>"))
            let top = try await kubectl.succeed(["explain", "eventsources"])
            #expect(top.contains("metadata") && top.contains("spec") && top.contains("status"))
        }
    }

    @Test func createNamespaceSecretAndConfigMapOverProtobuf() async throws {
        try await KubectlSession.with { _, kubectl in
            #expect(try await kubectl.succeed(["create", "namespace", "team-a"]).contains("namespace/team-a created"))
            _ = try await kubectl.succeed(["create", "secret", "generic", "redis-auth", "-n", "team-a", "--from-literal=password=s3cret"])
            _ = try await kubectl.succeed(["create", "configmap", "settings", "-n", "team-a", "--from-literal=mode=fast", "--from-literal=size=3"])
            #expect(try await kubectl.succeed(["create", "serviceaccount", "robot", "-n", "team-a"]).contains("serviceaccount/robot created"))
            #expect(try await kubectl.succeed(["get", "serviceaccounts", "-n", "team-a", "-o", "name"]).contains("serviceaccount/robot"))
            let namespace = try JSONParser.parse(try await kubectl.succeed(["get", "namespace", "team-a", "-o", "json"]))
            #expect(namespace["status"]?["phase"] == "Active")
            let secret = try JSONParser.parse(try await kubectl.succeed(["get", "secret", "redis-auth", "-n", "team-a", "-o", "json"]))
            #expect(secret["type"] == "Opaque")
            #expect(secret["data"]?["password"] == .string(Data("s3cret".utf8).base64EncodedString()))
            let configMap = try JSONParser.parse(try await kubectl.succeed(["get", "configmap", "settings", "-n", "team-a", "-o", "json"]))
            #expect(configMap["data"]?["mode"] == "fast" && configMap["data"]?["size"] == "3")
            let secrets = try await kubectl.succeed(["get", "secrets", "-n", "team-a"])
            #expect(secrets.contains("TYPE") && secrets.contains("DATA") && secrets.contains("Opaque"))
        }
    }

    @Test func getEventsShowsTheUsualColumns() async throws {
        try await KubectlSession.with { server, kubectl in
            let event = try KubectlSession.write(server, "event.yaml", """
                apiVersion: v1
                kind: Event
                metadata: {name: redis-stream.1, namespace: default}
                involvedObject: {apiVersion: argoproj.io/v1alpha1, kind: EventSource, name: redis-stream, namespace: default}
                reason: SourceStarted
                message: started 1 adapter
                type: Normal
                source: {component: redis-eventsource}
                count: 2
                """)
            _ = try await kubectl.succeed(["apply", "-f", event])
            let table = try await kubectl.succeed(["get", "events"])
            let lines = table.split(separator: "\n")
            let header = try #require(lines.first).split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            #expect(header == "LAST SEEN TYPE REASON OBJECT MESSAGE", "\(table)")
            #expect(lines.count == 2 && lines[1].contains("Normal") && lines[1].contains("SourceStarted")
                && lines[1].contains("eventsource/redis-stream") && lines[1].contains("started 1 adapter"))
            let wide = try await kubectl.succeed(["get", "events", "-o", "wide"])
            #expect(wide.contains("redis-eventsource") && wide.contains("redis-stream.1") && wide.contains("COUNT"))
        }
    }

    /// `path` as kustomize needs it: relative to `folder` (it follows no absolute paths).
    private func relative(_ path: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
        let shared = zip(target, base).prefix { $0 == $1 }.count
        return (Array(repeating: "..", count: base.count - shared) + target[shared...]).joined(separator: "/")
    }

    @Test func applyDashKOfTheManifestsReadBackReapplyAndDelete() async throws {
        // The namespace stays Terminating for the whole test, as slow clusters keep it, so the deletes
        // of its contents that kubectl sends after it always find them.
        try await KubectlSession.with(["--namespace-termination-seconds", "3600"]) { server, kubectl in
            let manifests = repositoryFile("manifests")
            let applied = try await kubectl.succeed(["apply", "-k", manifests])
            for expected in [
                "namespace/redis-eventsource created", "customresourcedefinition.apiextensions.k8s.io/eventsources.argoproj.io created",
                "serviceaccount/redis-eventsource created", "role.rbac.authorization.k8s.io/",
                "clusterrole.rbac.authorization.k8s.io/", "clusterrolebinding.rbac.authorization.k8s.io/",
                "rolebinding.rbac.authorization.k8s.io/", "service/", "deployment.apps/redis-eventsource created",
                "poddisruptionbudget.policy/",
            ] {
                #expect(applied.contains(expected), "\(expected) in \(applied)")
            }
            let deployment = try JSONParser.parse(try await kubectl.succeed(
                ["get", "deployment", "redis-eventsource", "-n", "redis-eventsource", "-o", "json"]))
            #expect(deployment["spec"]?["replicas"] == 2)
            let containers = deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue
            #expect(containers?.first?["env"]?.arrayValue?.first?["name"] == "POD_NAME")
            let table = try await kubectl.succeed(["get", "deploy,svc,pdb", "-n", "redis-eventsource"])
            #expect(table.contains("READY") && table.contains("0/2") && table.contains("8080/TCP") && table.contains("10.96."))
            #expect(try await kubectl.succeed(["diff", "-k", manifests]).isEmpty, "nothing differs after the apply")

            // An overlay with the optional components (a ServiceMonitor once its CRD is there, a
            // NetworkPolicy) and a new image: the re-apply is a strategic merge patch, in which the
            // containers merge by name and what the patch leaves out stays.
            _ = try await kubectl.succeed(["apply", "-f", try KubectlSession.write(server, "servicemonitor-crd.yaml", Self.serviceMonitorCRD)])
            let overlay = server.directory.appendingPathComponent("overlay").path
            let up = relative(manifests, from: overlay)
            _ = try KubectlSession.write(server, "overlay/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources: [\(up)/base]
                components: [\(up)/components/servicemonitor, \(up)/components/networkpolicy]
                images: [{name: redis-eventsource, newName: registry.example/redis-eventsource, newTag: "9.9.9"}]
                replicas: [{name: redis-eventsource, count: 3}]

                """)
            let reapplied = try await kubectl.succeed(["apply", "-k", overlay])
            #expect(reapplied.contains("deployment.apps/redis-eventsource configured"), "\(reapplied)")
            #expect(reapplied.contains("servicemonitor.monitoring.coreos.com/redis-eventsource created"))
            #expect(reapplied.contains("networkpolicy.networking.k8s.io/"))
            let changed = try JSONParser.parse(try await kubectl.succeed(
                ["get", "deployment", "redis-eventsource", "-n", "redis-eventsource", "-o", "json"]))
            let container = changed["spec"]?["template"]?["spec"]?["containers"]?.arrayValue
            #expect(changed["spec"]?["replicas"] == 3)
            #expect(container?.count == 1)
            #expect(container?.first?["image"] == "registry.example/redis-eventsource:9.9.9")
            #expect(container?.first?["env"]?.arrayValue?.count == 2 && container?.first?["ports"]?.arrayValue?.count == 2)
            #expect(!JSONWriter.string(changed).contains("$setElementOrder"), "no patch directive was stored")
            let monitor = try JSONParser.parse(try await kubectl.succeed(
                ["get", "servicemonitor", "redis-eventsource", "-n", "redis-eventsource", "-o", "json"]))
            #expect(monitor["spec"]?["endpoints"]?.arrayValue?.first?["port"] == "metrics")

            let deleted = try await kubectl.succeed(["delete", "-k", overlay, "--wait=false"])
            #expect(deleted.contains("deployment.apps \"redis-eventsource\" deleted"), "\(deleted)")
            let namespace = try JSONParser.parse(try await kubectl.succeed(["get", "namespace", "redis-eventsource", "-o", "json"]))
            #expect(namespace["status"]?["phase"] == "Terminating")
            #expect(try await kubectl.succeed(["get", "all", "-n", "redis-eventsource", "-o", "name"]).isEmpty)
        }
    }

    static let serviceMonitorCRD = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: servicemonitors.monitoring.coreos.com}
        spec:
          group: monitoring.coreos.com
          scope: Namespaced
          names: {plural: servicemonitors, singular: servicemonitor, kind: ServiceMonitor, listKind: ServiceMonitorList}
          versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema:
                type: object
                properties:
                  spec:
                    type: object
                    required: [selector]
                    properties:
                      selector: {type: object, x-kubernetes-preserve-unknown-fields: true}
                      endpoints:
                        type: array
                        items:
                          type: object
                          properties:
                            port: {type: string}
                            path: {type: string}
                            interval: {type: string}
                            honorLabels: {type: boolean}

        """
}
