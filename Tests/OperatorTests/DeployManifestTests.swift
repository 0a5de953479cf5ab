import Foundation
import StructuredData
import Testing
import TestSupport

/// The in-cluster manifest grants exactly what the controller calls, and runs it as documented.
@Suite struct DeployManifestTests {
    private func documents() throws -> [JSONValue] {
        let url = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/deploy/redis-eventsource.yaml")
        return try YAMLReader.documents(try String(contentsOf: url, encoding: .utf8)).filter { !$0.isNull }
    }

    private func grants(_ role: JSONValue?) -> Set<String> {
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

    @Test func theRolesCoverEveryCallTheControllerMakes() throws {
        let all = try documents()
        let clusterRole = all.first { $0["kind"] == "ClusterRole" }
        let needed: Set<String> = [
            "argoproj.io/eventsources/list", "argoproj.io/eventsources/watch", "argoproj.io/eventsources/status/patch",
            "/secrets/list", "/secrets/watch", "events.k8s.io/events/create",
            "argoproj.io/eventbus/list", "argoproj.io/eventbus/watch",
        ]
        #expect(needed.isSubset(of: grants(clusterRole)))
        let leaseRole = all.first { $0["kind"] == "Role" }
        #expect(["coordination.k8s.io/leases/get", "coordination.k8s.io/leases/create", "coordination.k8s.io/leases/update"]
            .allSatisfy(grants(leaseRole).contains))
    }

    @Test func theDeploymentRunsTheControllerWithLeaderElectionAndProbes() throws {
        let deployment = try #require(try documents().first { $0["kind"] == "Deployment" })
        let container = try #require(deployment["spec"]?["template"]?["spec"]?["containers"]?.arrayValue?.first)
        let args = container["args"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(args.first == "controller")
        #expect(args.contains("--leader-elect"))
        #expect(args.contains("--http-address=0.0.0.0"))
        #expect(container["env"]?.arrayValue?.contains { $0["name"] == "POD_NAME" } == true)
        #expect(container["readinessProbe"]?["httpGet"]?["path"] == "/readyz")
        #expect(container["livenessProbe"]?["httpGet"]?["path"] == "/healthz")
    }
}
