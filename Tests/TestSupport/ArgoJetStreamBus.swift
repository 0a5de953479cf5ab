import Foundation

/// nats-server as Argo's JetStream EventBus installer configures it
/// (`pkg/reconciler/eventbus/installer`): the `js` account with JetStream and one user with a
/// random 8-letter name and 16-letter password, the `sys` system account, and a `tls {}` block
/// with a self-signed CA (here made by openssl, `TestCertificates`). Clients need no certificate.
/// Beside it, the objects Argo's controller leaves in the cluster: the client auth Secret and an
/// EventBus whose `status.config.jetstream` names the URL, that Secret and the merged stream
/// config, and no `tls` block.
public final class ArgoJetStreamBus: Sendable {
    public let nats: NatsServer
    public let certificates: TestCertificates
    public let user: String
    public let password: String

    private init(nats: NatsServer, certificates: TestCertificates, user: String, password: String) {
        self.nats = nats
        self.certificates = certificates
        self.user = user
        self.password = password
    }

    /// Starts the server; `stop()` stops it and removes its files.
    public static func start() async throws -> ArgoJetStreamBus {
        let certificates = try await TestCertificates.make()
        let user = randomLetters(8)
        let password = randomLetters(16)
        let config = certificates.path("nats-server.conf")
        try authConf(user: user, password: password, sysPassword: randomLetters(24), certificates: certificates)
            .write(toFile: config, atomically: true, encoding: .utf8)
        do {
            let nats = try await NatsServer(arguments: ["-c", config])
            return ArgoJetStreamBus(nats: nats, certificates: certificates, user: user, password: password)
        } catch {
            certificates.remove()
            throw error
        }
    }

    /// Argo's `server-auth.conf`, its template filled in, with the test's certificate files.
    static func authConf(user: String, password: String, sysPassword: String, certificates: TestCertificates) -> String {
        """
        system_account: sys

        accounts: {
          "js": {
            "jetstream": true,
            "users": [
              {"user": "\(user)", "pass": "\(password)"}
            ]
          },
          "sys": {
            "users": [
              {"user": "sys", "pass": "\(sysPassword)"}
            ]
          }
        }

        tls {
          cert_file: "\(certificates.serverCertificate)"
          key_file:  "\(certificates.serverKey)"
          ca_file:   "\(certificates.caCertificate)"
        }

        """
    }

    public var url: String { nats.url }

    /// The client auth Secret's `client-auth` value, byte for byte as Argo's installer writes it
    /// (`"username: %s\npassword: %s"`, no trailing newline).
    public var clientAuth: String { "username: \(user)\npassword: \(password)" }

    /// The Secret `eventbus-<bus>-js-client-auth` as Argo's installer creates it.
    public func clientAuthSecret(bus: String = "default") -> String {
        """
        apiVersion: v1
        kind: Secret
        metadata: {name: eventbus-\(bus)-js-client-auth}
        type: Opaque
        data: {client-auth: \(Data(clientAuth.utf8).base64EncodedString())}
        """
    }

    /// The stream config Argo's controller writes into the status: its controller-config defaults
    /// merged by viper with the bus's own `streamConfig` (here `replicas: 1`, as for a one-server
    /// bus), marshalled back with viper's lower-case keys in sorted order.
    public static let statusStreamConfig = """
        discard: 0
        duplicates: 300s
        maxage: 168h
        maxbytes: -1
        maxmsgs: 50000
        replicas: 1
        retention: 0

        """

    /// The EventBus as a user applies it for Argo (`spec.jetstream`); `annotations` are added to
    /// its metadata (a CA annotation, say). Argo's controller then writes `statusPatch`.
    public func eventBus(name: String = "default", annotations: [String: String] = [:]) -> String {
        let annotationLines = annotations.sorted { $0.key < $1.key }.map { "    \($0.key): \"\($0.value)\"" }
        let metadata = annotationLines.isEmpty ? "" : "  annotations:\n" + annotationLines.joined(separator: "\n") + "\n"
        return """
            apiVersion: argoproj.io/v1alpha1
            kind: EventBus
            metadata:
              name: \(name)
            \(metadata)spec:
              jetstream:
                version: latest
                replicas: 1
                streamConfig: |
                  replicas: 1
            """
    }

    /// The status Argo's EventBus controller writes once the server is deployed, as a JSON merge
    /// patch for the status subresource: `status.config.jetstream` with the URL, the access
    /// Secret and the merged stream config, and no `tls`.
    public func statusPatch(name: String = "default", url: String? = nil) -> String {
        let streamConfig = Self.statusStreamConfig.replacingOccurrences(of: "\n", with: "\\n")
        return """
            {"status":{"config":{"jetstream":{"url":"\(url ?? self.url)","accessSecret":{"name":"eventbus-\(name)-js-client-auth","key":"client-auth"},"streamConfig":"\(streamConfig)"}},"conditions":[{"type":"Deployed","status":"True","reason":"Succeeded","message":"JetStream is deployed"}]}}
            """
    }

    /// A reader that connects as an Argo Sensor does: TLS, the certificate not verified.
    public func sensorReader() throws -> JetStreamTestReader {
        try JetStreamTestReader(url: url, user: user, password: password, asArgoSensor: true)
    }

    public func stop() {
        nats.stop()
        certificates.remove()
    }

    private static func randomLetters(_ count: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return String((0..<count).map { _ in letters.randomElement()! })
    }
}
