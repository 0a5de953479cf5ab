import Foundation

/// kube-testserver with the EventSource CRD applied by real kubectl, for the controller scenarios.
final class KubeScene {
    let server: ChaosProcess
    let url: String
    let kubeconfig: String
    private let session: ScenarioSession

    init(session: ScenarioSession) throws {
        self.session = session
        kubeconfig = "\(session.folder)/kubeconfig"
        let server = try session.start(session.context.kubeTestServer, ["--port", "0", "--kubeconfig", kubeconfig], label: "kube-testserver")
        self.server = server
        var printed: String?
        Poll.until(seconds: 60) {
            printed = server.output.split(separator: "\n").first { $0.hasPrefix("http") }.map(String.init)
            return printed != nil || !server.isRunning
        }
        guard let printed else { throw ChaosError.setup("kube-testserver did not start: \(server.errorOutput.suffix(400))") }
        url = printed
        try apply(file: "\(session.context.repositoryRoot)/manifests/crds/argoproj.io_eventsources.yaml")
    }

    /// `kubectl apply`, retried while the server answers with injected errors.
    func apply(file: String) throws {
        var last = ""
        let applied = Poll.until(seconds: 60, interval: 0.3) {
            let result = Self.runToEnd(
                "/usr/bin/kubectl",
                ["--kubeconfig", kubeconfig, "--cache-dir", "\(session.folder)/kube-cache", "--request-timeout", "20s",
                 "apply", "--validate=false", "-f", file],
                folder: session.folder)
            last = result.output
            return result.status == 0
        }
        if !applied { throw ChaosError.setup("kubectl apply -f \(file) kept failing: \(last.suffix(400))") }
    }

    /// Replaces the server's fault settings (kube-testserver's PUT /testserver/faults).
    func setFaults(_ json: String) throws {
        let result = Self.runToEnd("/usr/bin/curl", ["-sf", "-X", "PUT", "-d", json, "\(url)/testserver/faults"], folder: session.folder)
        if result.status != 0 { throw ChaosError.setup("cannot set faults \(json): \(result.output)") }
    }

    /// `redis-eventsource controller` delivering to the receiver.
    @discardableResult
    func startController(label: String, consumer: String = "chaos-controller") throws -> ChaosProcess {
        try session.start(
            session.context.product,
            [
                "controller", "--kubeconfig", kubeconfig, "--watch", "eventsources", "--default-sink", session.receiver.url, "--http-port", "0",
                "--consumer-name", consumer, "--resync-interval", "1", "--status-interval", "1", "--log-level", "notice",
            ], label: label)
    }

    /// Runs a short command to its end; its output (standard output and error) from its log files.
    static func runToEnd(_ executable: String, _ arguments: [String], folder: String) -> (status: Int32, output: String) {
        let label = "cmd-\(UUID().uuidString.prefix(8))"
        guard let process = try? ChaosProcess(executable, arguments, folder: folder, label: label) else { return (-1, "cannot start") }
        if !Poll.until(seconds: 60, interval: 0.02, { !process.isRunning }) { process.kill() }
        let output = process.output + process.errorOutput
        try? FileManager.default.removeItem(atPath: process.outputPath)
        try? FileManager.default.removeItem(atPath: process.errorPath)
        return (process.terminationStatus ?? -1, output)
    }
}
