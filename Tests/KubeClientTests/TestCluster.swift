import Foundation
import KubeClient
import KubeTestServer
import StructuredData
import TestSupport

/// Runs `body` against a fresh in-process test server and a client for it, and stops the server
/// afterwards whatever happens.
@discardableResult
func withTestServer<T: Sendable>(
    _ configuration: KubeTestServerConfiguration = KubeTestServerConfiguration(),
    credentials: KubeTestServer.Credentials = .automatic,
    retryPolicy: RetryPolicy = .fastForTests,
    _ body: (KubeTestServer, KubeClient) async throws -> T
) async throws -> T {
    let server = try await KubeTestServer.start(configuration)
    do {
        let client = try makeClient(server, credentials: credentials, retryPolicy: retryPolicy)
        let result = try await body(server, client)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

func makeClient(
    _ server: KubeTestServer, credentials: KubeTestServer.Credentials = .automatic, retryPolicy: RetryPolicy = .fastForTests
) throws -> KubeClient {
    let directory = try TemporaryDirectory()
    let path = directory.file("kubeconfig")
    try server.writeKubeconfig(to: path, credentials: credentials)
    return KubeClient(configuration: try ClusterConfiguration.fromKubeconfig(path: path), retryPolicy: retryPolicy)
}

extension RetryPolicy {
    /// Same rules, short waits, so tests of retries stay quick.
    static let fastForTests = RetryPolicy(
        maxAttempts: 6, backoff: Backoff(initial: .milliseconds(20), maximum: .milliseconds(200)), maximumRetryAfter: .seconds(2))
}

extension Backoff {
    static let fastForTests = Backoff(initial: .milliseconds(20), maximum: .milliseconds(200))
}

/// A folder for one test's files, removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("kube-client-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { url.appendingPathComponent(name).path }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = file(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

// MARK: objects used by the tests

let widgets = KubeResource(group: "example.com", version: "v1", plural: "widgets", namespaced: true)

let widgetDefinition: JSONValue = [
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": ["name": "widgets.example.com"],
    "spec": [
        "group": "example.com", "scope": "Namespaced",
        "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "shortNames": ["wd"]],
        "versions": [
            [
                "name": "v1", "served": true, "storage": true,
                "schema": ["openAPIV3Schema": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                "subresources": ["status": [:]],
            ]
        ],
    ],
]

func widget(_ name: String, size: Int64 = 1, labels: [String: String] = [:]) -> JSONValue {
    var labelObject = JSONObject()
    for (key, value) in labels.sorted(by: { $0.key < $1.key }) { labelObject[key] = .string(value) }
    return [
        "apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": ["name": .string(name), "labels": .object(labelObject)],
        "spec": ["size": .int(size)],
    ]
}

func configMap(_ name: String, data: [String: String] = [:], labels: [String: String] = [:]) -> JSONValue {
    var dataObject = JSONObject()
    for (key, value) in data.sorted(by: { $0.key < $1.key }) { dataObject[key] = .string(value) }
    var labelObject = JSONObject()
    for (key, value) in labels.sorted(by: { $0.key < $1.key }) { labelObject[key] = .string(value) }
    return [
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": .object(labelObject)],
        "data": .object(dataObject),
    ]
}

func defineWidgets(_ client: KubeClient) async throws {
    _ = try await client.create(.customResourceDefinitions, widgetDefinition)
}

extension JSONValue {
    var name: String? { self["metadata"]?["name"]?.stringValue }
    var resourceVersion: String? { self["metadata"]?["resourceVersion"]?.stringValue }
    var generation: Int64? { self["metadata"]?["generation"]?.intValue }
}

/// The KubeError `body` throws, or nil when it succeeds (or throws something else).
func kubeError(_ body: () async throws -> Void) async -> KubeError? {
    do {
        try await body()
        return nil
    } catch {
        return error as? KubeError
    }
}
