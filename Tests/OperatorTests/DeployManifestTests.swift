import Foundation
import StructuredData
import Testing
import TestSupport

/// The kustomize install renders, grants exactly what the controller calls, and runs it as the
/// "restricted" Pod Security profile demands.
@Suite struct DeployManifestTests {
    /// `kubectl kustomize` of a folder under manifests/, as `kubectl apply -k` would send it.
    static func rendered(_ folder: String = "") async throws -> [JSONValue] {
        let path = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/" + folder).path
        let result = try await CommandRun.run(Kubectl.executable, ["kustomize", path])
        try #require(result.status == 0, "kubectl kustomize \(folder): \(result.standardError)")
        return try YAMLReader.documents(result.standardOutput).filter { !$0.isNull }
    }

    static func grants(_ role: JSONValue?) -> Set<String> {
        var granted = Set<String>()
        for rule in role?["rules"]?.arrayValue ?? [] {
            for group in rule["apiGroups"]?.arrayValue ?? [] {
                for resource in rule["resources"]?.arrayValue ?? [] {
                    for verb in rule["verbs"]?.arrayValue ?? [] {
                        granted.insert("\(group.stringValue ?? "")/\(resource.stringValue ?? "")/\(verb.stringValue ?? "")")
                    }
                }
            }
        }
        return granted
    }

    /// Every call the controller makes to the API, by where it is made, as `group/resource/verb`.
    static let controllerCallPaths: [(path: String, grants: [String])] = [
        ("EventSource watcher (ResourceWatcher: list, then watch)",
         ["argoproj.io/eventsources/list", "argoproj.io/eventsources/watch"]),
        ("StatusWriter through the status subresource", ["argoproj.io/eventsources/status/patch"]),
        ("StatusWriter through the main resource, when the CRD has no status subresource",
         ["argoproj.io/eventsources/patch"]),
        ("Secret watcher (ResourceWatcher: list, then watch)", ["/secrets/list", "/secrets/watch"]),
        ("EventSourceController: fetch a newly referenced Secret once", ["/secrets/get"]),
        ("EventRecorder", ["events.k8s.io/events/create"]),
        ("EventBus watcher (ResourceWatcher: list, then watch)", ["argoproj.io/eventbus/list", "argoproj.io/eventbus/watch"]),
    ]
    static let leaseCallPaths: [(path: String, grants: [String])] = [
        ("LeaderElector: read the lease", ["coordination.k8s.io/leases/get"]),
        ("LeaderElector: take a missing lease", ["coordination.k8s.io/leases/create"]),
        ("LeaderElector: renew, take over or release", ["coordination.k8s.io/leases/update"]),
    ]
    static let shardLeaseCallPaths: [(path: String, grants: [String])] = [
        ("ShardMembershipService: check and watch the membership Leases (list, then watch)",
         ["coordination.k8s.io/leases/list", "coordination.k8s.io/leases/watch"]),
        ("ShardMembershipService: write its own Lease", ["coordination.k8s.io/leases/create", "coordination.k8s.io/leases/update"]),
        ("ShardMembershipService: read its own Lease left by an earlier run", ["coordination.k8s.io/leases/get"]),
        ("ShardMembershipService: a graceful leave deletes its own Lease", ["coordination.k8s.io/leases/delete"]),
    ]
    static let controllerCalls = Set(controllerCallPaths.flatMap(\.grants))
    static let leaseCalls = Set(leaseCallPaths.flatMap(\.grants))

    private func object(_ all: [JSONValue], kind: String, name: String) -> JSONValue? {
        all.first { $0["kind"]?.stringValue == kind && $0["metadata"]?["name"]?.stringValue == name }
    }

    /// Each call path is granted, and nothing is granted that no path calls.
    static func expectExactly(_ paths: [(path: String, grants: [String])], granted: Set<String>, in role: String) {
        for call in paths {
            #expect(Set(call.grants).isSubset(of: granted), "\(role) does not grant: \(call.path)")
        }
        let extra = granted.subtracting(paths.flatMap(\.grants))
        #expect(extra.isEmpty, "\(role) grants what no call needs: \(extra.sorted())")
    }

    @Test func theRolesGrantExactlyTheCallsTheControllerMakes() async throws {
        let all = try await Self.rendered()
        let clusterRole = object(all, kind: "ClusterRole", name: "redis-eventsource")
        Self.expectExactly(Self.controllerCallPaths, granted: Self.grants(clusterRole), in: "ClusterRole")
        let leaseRole = object(all, kind: "Role", name: "redis-eventsource-leader-election")
        Self.expectExactly(Self.leaseCallPaths, granted: Self.grants(leaseRole), in: "leader-election Role")
        #expect(leaseRole?["metadata"]?["namespace"] == "redis-eventsource")
    }

    @Test func everyNamespacedObjectLandsInTheOperatorsNamespace() async throws {
        let clusterScoped: Set<String> = ["Namespace", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding"]
        for item in try await Self.rendered() {
            let kind = item["kind"]?.stringValue ?? ""
            let namespace = item["metadata"]?["namespace"]?.stringValue
            #expect(clusterScoped.contains(kind) ? namespace == nil : namespace == "redis-eventsource", "\(kind)")
        }
    }

    @Test func theDeploymentRunsTheControllerWithLeaderElectionAndProbes() async throws {
        let all = try await Self.rendered()
        let deployment = try #require(object(all, kind: "Deployment", name: "redis-eventsource"))
        let pod = try #require(deployment["spec"]?["template"]?["spec"])
        let container = try #require(pod["containers"]?.arrayValue?.first)
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(args.first == "controller")
        #expect(args.contains("--leader-elect"))
        // The base installs Argo's EventSource CRD and acts on EventSources; the binary's default would not.
        #expect(args.contains("--watch=eventsources"))
        #expect(args.contains("--http-address=0.0.0.0"))
        #expect(args.contains("--metrics-port=8080"))
        #expect(container["image"] == "redis-eventsource:0.1.0")
        #expect(container["env"]?.arrayValue?.contains { $0["name"] == "POD_NAME" } == true)
        #expect(container["readinessProbe"]?["httpGet"]?["path"] == "/readyz")
        #expect(container["livenessProbe"]?["httpGet"]?["path"] == "/healthz")
        #expect(container["startupProbe"]?["httpGet"]?["path"] == "/healthz")
        let antiAffinity = pod["affinity"]?["podAntiAffinity"]?["preferredDuringSchedulingIgnoredDuringExecution"]
        #expect(antiAffinity?.arrayValue?.first?["podAffinityTerm"]?["topologyKey"] == "kubernetes.io/hostname")
        // The metrics Service and the PodDisruptionBudget select exactly the controller's Pods.
        let podLabels = try #require(deployment["spec"]?["template"]?["metadata"]?["labels"]?.objectValue)
        let service = try #require(object(all, kind: "Service", name: "redis-eventsource-metrics"))
        let budget = try #require(object(all, kind: "PodDisruptionBudget", name: "redis-eventsource"))
        for selector in [service["spec"]?["selector"], budget["spec"]?["selector"]?["matchLabels"]] {
            for (key, value) in selector?.objectValue ?? JSONObject() { #expect(podLabels[key] == value) }
            #expect(selector?.objectValue?.isEmpty == false)
        }
        #expect(service["spec"]?["ports"]?.arrayValue?.first?["targetPort"] == "metrics")
    }

    /// The "restricted" Pod Security Standard, field by field.
    @Test func thePodPassesTheRestrictedPodSecurityProfile() async throws {
        let all = try await Self.rendered()
        let pod = try #require(object(all, kind: "Deployment", name: "redis-eventsource")?["spec"]?["template"]?["spec"])
        #expect(pod["securityContext"]?["runAsNonRoot"] == true)
        #expect(pod["securityContext"]?["seccompProfile"]?["type"] == "RuntimeDefault")
        #expect(pod["hostNetwork"] == nil && pod["hostPID"] == nil && pod["hostIPC"] == nil)
        for container in pod["containers"]?.arrayValue ?? [] {
            let context = container["securityContext"]
            #expect(context?["allowPrivilegeEscalation"] == false)
            #expect(context?["readOnlyRootFilesystem"] == true)
            #expect(context?["capabilities"]?["drop"] == ["ALL"])
            #expect(context?["privileged"] == nil || context?["privileged"] == false)
        }
        let namespace = object(all, kind: "Namespace", name: "redis-eventsource")
        #expect(namespace?["metadata"]?["labels"]?["pod-security.kubernetes.io/enforce"] == "restricted")
    }

    @Test func eventSourcesAggregateIntoTheViewAndEditRoles() async throws {
        let all = try await Self.rendered()
        let roles = all.filter { $0["kind"] == "ClusterRole" }
        let view = roles.first { $0["metadata"]?["labels"]?["rbac.authorization.k8s.io/aggregate-to-view"] == "true" }
        let edit = roles.first { $0["metadata"]?["labels"]?["rbac.authorization.k8s.io/aggregate-to-edit"] == "true" }
        #expect(Self.grants(view) == ["argoproj.io/eventsources/get", "argoproj.io/eventsources/list", "argoproj.io/eventsources/watch",
            "argoproj.io/eventsources/finalizers/get", "argoproj.io/eventsources/finalizers/list", "argoproj.io/eventsources/finalizers/watch"])
        #expect(Self.grants(edit).contains("argoproj.io/eventsources/create"))
        #expect(Self.grants(edit).contains("argoproj.io/eventsources/delete"))
    }

    @Test func theNamespacedVariantReadsSecretsInItsOwnNamespaceOnly() async throws {
        let all = try await Self.rendered("variants/namespaced")
        #expect(!all.contains { $0["kind"] == "ClusterRoleBinding" })
        #expect(!all.contains { $0["kind"] == "ClusterRole" && Self.grants($0).contains("/secrets/list") })
        let role = try #require(object(all, kind: "Role", name: "redis-eventsource"))
        #expect(role["metadata"]?["namespace"] == "redis-eventsource")
        Self.expectExactly(Self.controllerCallPaths, granted: Self.grants(role), in: "namespaced Role")
        let binding = try #require(object(all, kind: "RoleBinding", name: "redis-eventsource"))
        #expect(binding["roleRef"]?["kind"] == "Role")
        let args = object(all, kind: "Deployment", name: "redis-eventsource")?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["args"]
        #expect(args?.arrayValue?.contains("--namespace=$(POD_NAMESPACE)") == true)
    }

    @Test func theShardedVariantRunsThreeReplicasWithLeaseShardingAndGrantsExactlyItsLeaseCalls() async throws {
        let all = try await Self.rendered("variants/sharded")
        let deployment = try #require(object(all, kind: "Deployment", name: "redis-eventsource"))
        #expect(deployment["spec"]?["replicas"] == 3)
        let args = deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["args"]?.arrayValue ?? []
        #expect(args.contains("--shard-by=lease"))
        #expect(!args.contains("--leader-elect"))
        let role = try #require(object(all, kind: "Role", name: "redis-eventsource-leader-election"))
        Self.expectExactly(Self.shardLeaseCallPaths, granted: Self.grants(role), in: "sharded Lease Role")
    }

    @Test func theArgoEventsVariantKeepsArgosCRD() async throws {
        let all = try await Self.rendered("variants/with-argo-events")
        #expect(!all.contains { $0["kind"] == "CustomResourceDefinition" && $0["metadata"]?["name"] == "eventsources.argoproj.io" })
        #expect(all.contains { $0["kind"] == "Deployment" })
    }

    @Test(arguments: ["components/servicemonitor", "components/networkpolicy"])
    func optionalComponentsRenderOnTopOfTheBase(_ component: String) async throws {
        let result = try await KustomizeOverlay.render(components: [component])
        #expect(result.status == 0, "\(result.standardError)")
        let kinds = try YAMLReader.documents(result.standardOutput).compactMap { $0["kind"]?.stringValue }
        #expect(kinds.contains(component.hasSuffix("servicemonitor") ? "ServiceMonitor" : "NetworkPolicy"))
    }
}

extension DeployManifestTests {
    /// `make deploy IMG=…` renders the base with that image, registry ports and all.
    @Test(arguments: [
        ("registry.example.com:5000/team/redis-eventsource:1.2.3", "registry.example.com:5000/team/redis-eventsource:1.2.3"),
        ("redis-eventsource", "redis-eventsource:latest"),
    ])
    func deployUsesTheImageGiven(image: String, expected: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("deploy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = BuiltProducts.repositoryRoot.appendingPathComponent("scripts/deploy-overlay.sh").path
        let written = try await CommandRun.run(script, [image, folder.path])
        #expect(written.status == 0, "\(written.standardError)")
        let result = try await CommandRun.run(Kubectl.executable, ["kustomize", folder.path])
        #expect(result.status == 0, "\(result.standardError)")
        let deployment = try YAMLReader.documents(result.standardOutput).first { $0["kind"] == "Deployment" }
        #expect(deployment?["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first?["image"]?.stringValue == expected)
    }
}
