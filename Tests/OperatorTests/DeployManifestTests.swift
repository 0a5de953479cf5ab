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

    /// Every call the controller makes to the API, by where it is made, as `group/resource/verb`.
    private static let clusterCalls: [(path: String, grants: [String])] = [
        ("EventSource watcher (ResourceWatcher: list, then watch)",
         ["argoproj.io/eventsources/list", "argoproj.io/eventsources/watch"]),
        ("StatusWriter through the status subresource", ["argoproj.io/eventsources/status/patch"]),
        ("StatusWriter through the main resource, when the CRD has no status subresource",
         ["argoproj.io/eventsources/patch"]),
        ("Secret cache (ResourceWatcher: list, then watch)", ["/secrets/list", "/secrets/watch"]),
        ("EventRecorder", ["events.k8s.io/events/create"]),
    ]
    private static let leaseCalls: [(path: String, grants: [String])] = [
        ("LeaderElector: read the lease", ["coordination.k8s.io/leases/get"]),
        ("LeaderElector: take a missing lease", ["coordination.k8s.io/leases/create"]),
        ("LeaderElector: renew, take over or release", ["coordination.k8s.io/leases/update"]),
    ]

    @Test func theClusterRoleGrantsExactlyTheCallsTheControllerMakes() throws {
        let clusterRole = try documents().first { $0["kind"] == "ClusterRole" }
        let granted = grants(clusterRole)
        for call in Self.clusterCalls {
            #expect(Set(call.grants).isSubset(of: granted), "not granted: \(call.path)")
        }
        let needed = Set(Self.clusterCalls.flatMap(\.grants))
        #expect(granted.subtracting(needed).isEmpty, "granted but never called: \(granted.subtracting(needed).sorted())")
    }

    @Test func theLeaseRoleGrantsExactlyWhatLeaderElectionCalls() throws {
        let leaseRole = try documents().first { $0["kind"] == "Role" }
        #expect(grants(leaseRole) == Set(Self.leaseCalls.flatMap(\.grants)))
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
