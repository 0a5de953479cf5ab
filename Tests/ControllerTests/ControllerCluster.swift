import Controller
import Foundation
import KubeClient
import KubeTestServer
import StructuredData
import TestSupport

/// An in-process kube-testserver with the project's EventSource CRD, and a client for it; the
/// server is stopped afterwards whatever happens.
func withEventSourceCluster<T: Sendable>(
    _ body: (KubeTestServer, KubeClient) async throws -> T
) async throws -> T {
    let server = try await KubeTestServer.start(KubeTestServerConfiguration())
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("controller-test-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("kubeconfig").path
        try server.writeKubeconfig(to: path)
        let client = KubeClient(configuration: try ClusterConfiguration.fromKubeconfig(path: path))
        let crdPath = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventsources.yaml").path
        for document in try YAMLReader.documents(String(contentsOfFile: crdPath, encoding: .utf8)) {
            _ = try await client.create(.customResourceDefinitions, document)
        }
        let result = try await body(server, client)
        try await server.stop()
        return result
    } catch {
        try? await server.stop()
        throw error
    }
}

/// An EventSource manifest as JSON, with one redisStream entry per event name.
func eventSourceObject(_ name: String, redisPort: Int, events: [String: [String]], sink: String? = nil) -> JSONValue {
    var entries = JSONObject()
    for (event, streams) in events.sorted(by: { $0.key < $1.key }) {
        entries[event] = [
            "hostAddress": .string("127.0.0.1:\(redisPort)"), "streams": .array(streams.map { .string($0) }),
        ]
    }
    var spec = JSONObject([("redisStream", .object(entries))])
    if let sink { spec["sink"] = ["uri": .string(sink)] }
    return [
        "apiVersion": "argoproj.io/v1alpha1", "kind": "EventSource",
        "metadata": ["name": .string(name), "namespace": "default"], "spec": .object(spec),
    ]
}
