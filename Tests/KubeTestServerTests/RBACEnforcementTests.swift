import Foundation
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// `--enforce-rbac`: a ServiceAccount's requests are allowed only as far as the stored Roles,
/// ClusterRoles (aggregated ones included) and their bindings say, refused in the real server's words.
@Suite struct RBACEnforcementTests {
    private static let policy = """
        apiVersion: rbac.authorization.k8s.io/v1
        kind: Role
        metadata: {name: read-configmaps, namespace: default}
        rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list, watch]}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: RoleBinding
        metadata: {name: robot-reads-configmaps, namespace: default}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: read-configmaps}
        subjects: [{kind: ServiceAccount, name: robot, namespace: default}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: aggregate}
        aggregationRule: {clusterRoleSelectors: [{matchLabels: {example.com/aggregate: "true"}}]}
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRole
        metadata: {name: secret-reader, labels: {example.com/aggregate: "true"}}
        rules: [{apiGroups: [""], resources: [secrets], verbs: [list], resourceNames: []}]
        ---
        apiVersion: rbac.authorization.k8s.io/v1
        kind: ClusterRoleBinding
        metadata: {name: robot-aggregate}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: aggregate}
        subjects: [{kind: ServiceAccount, name: robot, namespace: default}]
        """

    @Test func serviceAccountsGetWhatTheirBindingsGrantAndNothingMore() async throws {
        try await withServer(KubeTestServerConfiguration(token: "admin", enforceRBAC: true)) { _, http in
            var admin = http
            admin.headers = ["Authorization: Bearer admin"]
            for document in Self.policy.components(separatedBy: "\n---\n") {
                let object = try YAMLReader.documents(Array(document.utf8))[0]
                let kind = object["kind"]?.stringValue ?? ""
                let namespace = object["metadata"]?["namespace"]?.stringValue
                let path = "/apis/rbac.authorization.k8s.io/v1" + (namespace.map { "/namespaces/\($0)" } ?? "")
                    + "/\(kind.lowercased())s"
                try await admin.send("POST", path, body: document, contentType: "application/yaml").expectStatus(201)
            }
            var robot = http
            robot.headers = ["Authorization: Bearer system:serviceaccount:default:robot"]
            #expect(try await robot.send("GET", "/api/v1/namespaces/default/configmaps").status == 200)
            #expect(try await robot.send("GET", "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1").status == 200)
            let elsewhere = try await robot.send("GET", "/api/v1/namespaces/kube-system/configmaps")
            #expect(elsewhere.status == 403 && elsewhere.reason == "Forbidden")
            #expect(elsewhere.message == #"configmaps is forbidden: User "system:serviceaccount:default:robot" cannot list resource "configmaps" in API group "" in the namespace "kube-system""#)
            let create = try await robot.send(
                "POST", "/api/v1/namespaces/default/configmaps", body: #"{"metadata":{"name":"x"}}"#, contentType: "application/json")
            #expect(create.status == 403 && create.message.contains("cannot create resource \"configmaps\""))
            #expect(try await robot.send("GET", "/api/v1/namespaces/kube-system/secrets").status == 200, "through the aggregated ClusterRole")
            let one = try await robot.send("GET", "/api/v1/namespaces/kube-system/secrets/s")
            #expect(one.status == 403 && one.message.hasPrefix(#"secrets "s" is forbidden"#))
            let cluster = try await robot.send("GET", "/api/v1/namespaces")
            #expect(cluster.message.hasSuffix("at the cluster scope"))
            #expect(try await robot.send("GET", "/api").status == 200, "discovery is open to every authenticated user")
            #expect(try await robot.send("GET", "/testserver/stats").status == 403)
            var stranger = http
            stranger.headers = ["Authorization: Bearer system:serviceaccount:default:"]
            #expect(try await stranger.send("GET", "/api/v1/namespaces/default/configmaps").status == 401)
            #expect(try await admin.send("POST", "/api/v1/namespaces/default/configmaps", body: #"{"metadata":{"name":"x"}}"#,
                                         contentType: "application/json").status == 201, "the server's own token may do anything")
        }
    }
}
