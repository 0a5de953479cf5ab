import Foundation
import KubeClient
import KubeTestServer
import TestSupport
import Testing

/// Loading configuration: kubeconfig files (and their bad forms) and in-cluster files.
@Suite struct KubeconfigTests {
    private let pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    private var pemBase64: String { Data(pem.utf8).base64EncodedString() }

    @Test func currentContextNamespaceInlineDataAndToken() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("config", """
            apiVersion: v1
            kind: Config
            current-context: second
            clusters:
            - name: one
              cluster: {server: "https://one.example:6443", insecure-skip-tls-verify: true}
            - name: two
              cluster:
                server: https://two.example:6443
                certificate-authority-data: \(pemBase64)
                tls-server-name: api.two.example
            users:
            - name: alice
              user: {token: alice-token}
            - name: bob
              user:
                client-certificate-data: \(pemBase64)
                client-key-data: \(pemBase64)
            contexts:
            - name: first
              context: {cluster: one, user: alice}
            - name: second
              context: {cluster: two, user: bob, namespace: team}
            """)
        let second = try ClusterConfiguration.fromKubeconfig(path: path)
        #expect(second.server == "https://two.example:6443")
        #expect(second.namespace == "team")
        #expect(second.certificateAuthority == Array(pem.utf8))
        #expect(second.clientCertificate == Array(pem.utf8))
        #expect(second.clientKey == Array(pem.utf8))
        #expect(second.tlsServerName == "api.two.example")
        #expect(second.token == nil)
        let first = try ClusterConfiguration.fromKubeconfig(path: path, context: "first")
        #expect(first.namespace == "default")
        #expect(first.insecureSkipTLSVerify)
        #expect(try first.token?.token() == "alice-token")
    }

    @Test func relativeFilePathsResolveAgainstTheKubeconfigFolder() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: directory.url.appendingPathComponent("certs"), withIntermediateDirectories: true)
        try directory.write("certs/ca.pem", pem)
        try directory.write("certs/client.pem", pem)
        try directory.write("certs/client.key", pem)
        try directory.write("token", "file-token\n")
        let path = try directory.write("config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "https://127.0.0.1:1", certificate-authority: certs/ca.pem}}]
            users: [{name: u, user: {client-certificate: certs/client.pem, client-key: certs/client.key, tokenFile: token}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """)
        let configuration = try ClusterConfiguration.fromKubeconfig(path: path)
        #expect(configuration.certificateAuthority == Array(pem.utf8))
        #expect(configuration.clientKey == Array(pem.utf8))
        #expect(try configuration.token?.token() == "file-token")
    }

    @Test func kubeconfigListMergesFirstWinsAndSkipsMissingFiles() throws {
        let directory = try TemporaryDirectory()
        let first = try directory.write("first", """
            current-context: shared
            clusters: [{name: shared, cluster: {server: "https://first:1"}}]
            contexts: [{name: shared, context: {cluster: shared, user: ""}}]
            """)
        let second = try directory.write("second", """
            current-context: other
            clusters: [{name: shared, cluster: {server: "https://second:2"}}, {name: extra, cluster: {server: "https://extra:3"}}]
            contexts: [{name: other, context: {cluster: extra, user: "", namespace: ns2}}]
            """)
        let environment = ["KUBECONFIG": "\(directory.file("missing")):\(first):\(second)"]
        let merged = try ClusterConfiguration.fromKubeconfig(environment: environment)
        #expect(merged.server == "https://first:1")
        let other = try ClusterConfiguration.fromKubeconfig(context: "other", environment: environment)
        #expect(other.server == "https://extra:3")
        #expect(other.namespace == "ns2")
    }

    @Test func homeKubeconfigIsTheLastResort() throws {
        let home = try TemporaryDirectory()
        try FileManager.default.createDirectory(at: home.url.appendingPathComponent(".kube"), withIntermediateDirectories: true)
        try home.write(".kube/config", """
            current-context: c
            clusters: [{name: k, cluster: {server: "http://127.0.0.1:9"}}]
            contexts: [{name: c, context: {cluster: k}}]
            """)
        let configuration = try ClusterConfiguration.automatic(environment: ["HOME": home.url.path])
        #expect(configuration.server == "http://127.0.0.1:9")
    }

    @Test func missingFilesAndBadBase64AreConfigurationErrors() throws {
        let directory = try TemporaryDirectory()
        func expectConfigurationError(_ text: String, mentioning fragment: String) throws {
            let path = try directory.write("config-\(UUID().uuidString)", text)
            #expect {
                _ = try ClusterConfiguration.fromKubeconfig(path: path)
            } throws: { error in
                guard case .configuration(let message) = error as? KubeError else { return false }
                return message.contains(fragment)
            }
        }
        try expectConfigurationError("""
            current-context: c
            clusters: [{name: k, cluster: {server: "https://x:1", certificate-authority: no/such/ca.pem}}]
            contexts: [{name: c, context: {cluster: k}}]
            """, mentioning: "no/such/ca.pem")
        try expectConfigurationError("""
            current-context: c
            clusters: [{name: k, cluster: {server: "https://x:1", certificate-authority-data: "!!!not base64!!!"}}]
            contexts: [{name: c, context: {cluster: k}}]
            """, mentioning: "certificate-authority-data is not valid base64")
        try expectConfigurationError("""
            current-context: c
            clusters: [{name: k, cluster: {server: "https://x:1"}}]
            users: [{name: u, user: {client-certificate-data: "\(pemBase64)", client-key-data: "%%%"}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """, mentioning: "client-key-data is not valid base64")
        try expectConfigurationError("""
            current-context: c
            clusters: [{name: k, cluster: {server: "https://x:1"}}]
            users: [{name: u, user: {tokenFile: /no/such/token}}]
            contexts: [{name: c, context: {cluster: k, user: u}}]
            """, mentioning: "/no/such/token")
        try expectConfigurationError("current-context: nowhere\n", mentioning: "no context \"nowhere\"")
        try expectConfigurationError("clusters: [unclosed\n", mentioning: "not valid YAML")
        #expect(throws: KubeError.self) { _ = try ClusterConfiguration.fromKubeconfig(path: directory.file("absent")) }
    }

    @Test func inClusterReadsServiceAccountFiles() throws {
        let directory = try TemporaryDirectory()
        try directory.write("ca.crt", pem)
        try directory.write("token", "sa-token")
        try directory.write("namespace", "operators\n")
        let configuration = try ClusterConfiguration.inCluster(
            environment: ["KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"],
            serviceAccountDirectory: directory.url.path)
        #expect(configuration.server == "https://10.0.0.1:443")
        #expect(configuration.namespace == "operators")
        #expect(configuration.certificateAuthority == Array(pem.utf8))
        #expect(try configuration.token?.token() == "sa-token")
        #expect(throws: KubeError.self) {
            _ = try ClusterConfiguration.inCluster(environment: [:], serviceAccountDirectory: directory.url.path)
        }
    }

    @Test func fileTokensAreReadAgainAfterTheRefreshInterval() async throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("token", "first")
        let source = try TokenSource(file: path, refreshInterval: .milliseconds(50))
        #expect(try source.token() == "first")
        try directory.write("token", "second")
        try await waitUntil("the rotated token to be read") { try source.token() == "second" }
    }
}
