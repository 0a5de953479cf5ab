import Foundation
import KubeClient
import KubeTestServer
import StructuredData
import TestSupport
import Testing

/// The client over HTTPS against the test server's own certificate authority.
@Suite struct ClientTLSTests {
    private let secured = KubeTestServerConfiguration(tls: true, token: "s3cret")

    @Test func bearerTokenOverHTTPS() async throws {
        try await withTestServer(secured, credentials: .token("s3cret")) { server, client in
            #expect(client.configuration.server.hasPrefix("https://127.0.0.1:"))
            #expect(client.configuration.clientCertificate == nil)
            _ = try await client.create(.configMaps, configMap("over-tls"))
            #expect(try await client.get(.configMaps, name: "over-tls").name == "over-tls")
        }
    }

    @Test func clientCertificateOverHTTPS() async throws {
        try await withTestServer(secured, credentials: .clientCertificate) { server, client in
            #expect(client.configuration.token == nil)
            #expect(client.configuration.clientCertificate != nil)
            _ = try await client.create(.configMaps, configMap("by-certificate"))
            let list = try await client.list(.configMaps, namespace: "default")
            #expect(list.items.compactMap(\.name) == ["by-certificate"])
        }
    }

    @Test func watchOverHTTPSWithClientCertificate() async throws {
        try await withTestServer(secured, credentials: .clientCertificate) { _, client in
            _ = try await client.create(.configMaps, configMap("a"))
            var seen: [String] = []
            // No bookmarks: on a loaded machine the create below can take longer than the bookmark interval.
            let options = WatchOptions(allowBookmarks: false, timeoutSeconds: 60)
            for try await event in client.watch(.configMaps, namespace: "default", options: options) {
                seen.append("\(event.type.rawValue) \(event.object.name ?? "")")
                if seen.count == 1 { _ = try await client.create(.configMaps, configMap("b")) }
                if seen.count == 2 { break }
            }
            #expect(seen == ["ADDED a", "ADDED b"])
        }
    }

    @Test func wrongOrMissingCredentialsAreUnauthorized() async throws {
        try await withTestServer(secured, credentials: .token("wrong")) { server, client in
            await #expect { _ = try await client.list(.configMaps) } throws: { error in
                guard case .unauthorized(let status) = error as? KubeError else { return false }
                return status.code == 401
            }
            let anonymous = try makeClient(server, credentials: .none)
            await #expect { _ = try await anonymous.list(.configMaps) } throws: { ($0 as? KubeError).map { if case .unauthorized = $0 { true } else { false } } ?? false }
        }
    }

    @Test func anUntrustedServerCertificateIsATransportError() async throws {
        try await withTestServer(secured, credentials: .token("s3cret")) { server, client in
            var untrusting = client.configuration
            untrusting.certificateAuthority = nil  // fall back to the system store, which does not know our CA
            let stranger = KubeClient(configuration: untrusting, retryPolicy: .never)
            await #expect { _ = try await stranger.list(.configMaps) } throws: { error in
                guard case .transport = error as? KubeError else { return false }
                return true
            }
            var insecure = untrusting
            insecure.insecureSkipTLSVerify = true
            _ = try await KubeClient(configuration: insecure, retryPolicy: .never).list(.configMaps)
        }
    }

    @Test func tlsServerNameChecksTheCertificateAgainstAnotherName() async throws {
        try await withTestServer(secured, credentials: .token("s3cret")) { server, client in
            var named = client.configuration
            named.tlsServerName = "localhost"
            _ = try await KubeClient(configuration: named, retryPolicy: .never).list(.configMaps)
            var wrong = client.configuration
            wrong.tlsServerName = "not-in-the-certificate.example"
            await #expect { _ = try await KubeClient(configuration: wrong, retryPolicy: .never).list(.configMaps) } throws: { error in
                guard case .transport = error as? KubeError else { return false }
                return true
            }
        }
    }

    @Test func inClusterConfigurationWithARotatingToken() async throws {
        try await withTestServer(secured, credentials: .token("s3cret")) { server, _ in
            let directory = try TemporaryDirectory()
            try directory.write("ca.crt", try #require(server.certificates?.caCertificatePEM))
            try directory.write("token", "stale-token")
            try directory.write("namespace", "default")
            let configuration = try ClusterConfiguration.inCluster(
                environment: ["KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": String(server.port)],
                serviceAccountDirectory: directory.url.path, tokenRefreshInterval: .milliseconds(100))
            let client = KubeClient(configuration: configuration, retryPolicy: .never)
            await #expect(throws: KubeError.self) { _ = try await client.list(.configMaps) }
            try directory.write("token", "s3cret")
            try await waitUntil("the rotated token to be accepted") {
                (try? await client.list(.configMaps)) != nil
            }
        }
    }
}
