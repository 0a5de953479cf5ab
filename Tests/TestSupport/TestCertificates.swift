import Foundation

/// Certificates made by the real `openssl` program for TLS tests: a CA, a server certificate
/// for 127.0.0.1 and localhost, a client certificate, and a second CA that signed neither.
public struct TestCertificates: Sendable {
    public let directory: URL

    public var caCertificate: String { path("ca.crt") }
    public var serverCertificate: String { path("server.crt") }
    public var serverKey: String { path("server.key") }
    public var clientCertificate: String { path("client.crt") }
    public var clientKey: String { path("client.key") }
    public var otherCACertificate: String { path("other-ca.crt") }
    public var strangerCertificate: String { path("stranger.crt") }
    public var strangerKey: String { path("stranger.key") }

    public func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    public func contents(_ name: String) throws -> String {
        try String(contentsOfFile: path(name), encoding: .utf8)
    }

    public static func make() async throws -> TestCertificates {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("certs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let certificates = TestCertificates(directory: directory)
        try "subjectAltName=IP:127.0.0.1,DNS:localhost\n".write(
            to: directory.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(
            to: directory.appendingPathComponent("client.ext"), atomically: true, encoding: .utf8)
        let steps: [[String]] = [
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=test-ca", "-days", "2"],
            ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other-ca.key", "-out", "other-ca.crt", "-subj", "/CN=other-ca", "-days", "2"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1"],
            ["x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.crt", "-days", "2", "-extfile", "server.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=redis-eventsource"],
            ["x509", "-req", "-in", "client.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "client.crt", "-days", "2", "-extfile", "client.ext"],
            ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "stranger.key", "-out", "stranger.csr", "-subj", "/CN=stranger"],
            ["x509", "-req", "-in", "stranger.csr", "-CA", "other-ca.crt", "-CAkey", "other-ca.key", "-CAcreateserial", "-out", "stranger.crt", "-days", "2", "-extfile", "client.ext"],
        ]
        let fileSuffixes = [".key", ".crt", ".csr", ".ext"]
        for step in steps {
            // -CAcreateserial writes next to the CA file, so every file name becomes a path in `directory`.
            let arguments = step.map { argument in
                fileSuffixes.contains { argument.hasSuffix($0) } ? certificates.path(argument) : argument
            }
            let child = try ChildProcess("/usr/bin/openssl", arguments)
            let status = try await child.waitForExit()
            guard status == 0 else {
                throw ChildProcessError.spawnFailed("openssl \(arguments.joined(separator: " ")): \(child.standardError)")
            }
        }
        return certificates
    }

    public func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
