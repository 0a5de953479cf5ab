import Foundation
import TestSupport

/// A kube-testserver process with kubectl pointed at it, for the length of a test body, and a
/// place in its folder for the manifests the test applies.
enum KubectlSession {
    static func with(
        _ arguments: [String] = [], _ body: (KubeTestServerProcess, Kubectl) async throws -> Void
    ) async throws {
        let server = try await KubeTestServerProcess(arguments: arguments)
        defer { server.stop() }
        let kubectl = Kubectl(kubeconfig: server.kubeconfigPath, cacheDirectory: server.directory.appendingPathComponent("cache").path)
        try await body(server, kubectl)
    }

    /// Writes `text` to `name` (subfolders allowed) in the server's folder and returns its path.
    static func write(_ server: KubeTestServerProcess, _ name: String, _ text: String) throws -> String {
        let path = server.directory.appendingPathComponent(name).path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
