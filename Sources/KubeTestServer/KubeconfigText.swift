import Foundation

/// Writes the kubeconfig a test server hands to kubectl and to our client.
enum KubeconfigText {
    static func make(
        server: String, caCertificatePEM: String?, token: String?, clientCertificatePEM: String?, clientKeyPEM: String?,
        namespace: String
    ) -> String {
        func quoted(_ text: String) -> String {
            // A JSON string is a valid YAML double-quoted scalar.
            "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }
        var lines = [
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: kube-testserver",
            "  cluster:",
            "    server: \(quoted(server))",
        ]
        if let caCertificatePEM { lines.append("    certificate-authority-data: \(base64(caCertificatePEM))") }
        lines += ["users:", "- name: kube-testserver-user", "  user:"]
        var hasCredentials = false
        if let token {
            lines.append("    token: \(quoted(token))")
            hasCredentials = true
        }
        if let clientCertificatePEM, let clientKeyPEM {
            lines.append("    client-certificate-data: \(base64(clientCertificatePEM))")
            lines.append("    client-key-data: \(base64(clientKeyPEM))")
            hasCredentials = true
        }
        if !hasCredentials { lines[lines.count - 1] = "  user: {}" }
        lines += [
            "contexts:",
            "- name: kube-testserver",
            "  context:",
            "    cluster: kube-testserver",
            "    user: kube-testserver-user",
            "    namespace: \(quoted(namespace))",
            "current-context: kube-testserver",
            "",
        ]
        return lines.joined(separator: "\n")
    }
}
