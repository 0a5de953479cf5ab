import Foundation

/// Renders `manifests/base` with some of its components through a throwaway overlay, as a user's own
/// overlay would add them.
public enum KustomizeOverlay {
    /// `kubectl kustomize` of an overlay holding the base and `components` (paths under manifests/).
    public static func render(components: [String]) async throws -> CommandRun.Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("overlay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        // kustomize takes relative paths only: up from the overlay to /, then down to manifests/.
        let up = String(repeating: "../", count: folder.standardizedFileURL.pathComponents.count - 1)
        let manifests = up + BuiltProducts.repositoryRoot.appendingPathComponent("manifests").path.dropFirst()
        try """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [\(manifests)/base]
        components: [\(components.map { "\(manifests)/\($0)" }.joined(separator: ", "))]
        """.write(to: folder.appendingPathComponent("kustomization.yaml"), atomically: true, encoding: .utf8)
        return try await CommandRun.run(Kubectl.executable, ["kustomize", folder.path])
    }
}
