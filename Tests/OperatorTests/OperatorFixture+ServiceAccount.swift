import Foundation

extension OperatorFixture {
    /// A kubeconfig that authenticates as a ServiceAccount, for `--enforce-rbac` servers, which
    /// accept `system:serviceaccount:NAMESPACE:NAME` as its token and allow what the bindings grant.
    func serviceAccountKubeconfig(namespace: String, name: String) throws -> String {
        let path = kube.directory.appendingPathComponent("kubeconfig-\(namespace)-\(name)").path
        try """
            apiVersion: v1
            kind: Config
            clusters: [{name: test, cluster: {server: "\(kube.url)"}}]
            users: [{name: \(name), user: {token: "system:serviceaccount:\(namespace):\(name)"}}]
            contexts: [{name: test, context: {cluster: test, user: \(name), namespace: default}}]
            current-context: test
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
