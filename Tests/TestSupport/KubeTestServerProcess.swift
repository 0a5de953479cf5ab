import Foundation

/// The built `kube-testserver` executable, started on a free port with its kubeconfig in a
/// temporary folder; stopped when the test stops it or drops it.
public final class KubeTestServerProcess: Sendable {
    public let child: ChildProcess
    public let url: String
    public let kubeconfigPath: String
    public let directory: URL

    public init(arguments: [String] = []) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("kube-testserver-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        kubeconfigPath = directory.appendingPathComponent("kubeconfig").path
        let child = try ChildProcess(
            BuiltProducts.path("kube-testserver"), ["--port", "0", "--kubeconfig", kubeconfigPath] + arguments)
        self.child = child
        url = try await waitForValue("kube-testserver to print its URL", timeout: .seconds(20)) {
            guard child.isRunning else {
                throw KubeTestServerProcessError.exited(child.standardError + child.standardOutput)
            }
            return child.standardOutputLines.first { $0.hasPrefix("http") }
        }
    }

    public func stop() {
        child.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }
}

public enum KubeTestServerProcessError: Error, CustomStringConvertible {
    case exited(String)
    public var description: String {
        switch self {
        case .exited(let output): return "kube-testserver exited: \(output)"
        }
    }
}
