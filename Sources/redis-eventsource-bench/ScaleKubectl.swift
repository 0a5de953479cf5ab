import BenchSupport
import Glibc

/// Real kubectl against the bench's kube-testserver, with a discovery cache in the scratch
/// folder. Spawned like every other child of the bench (clean signal mask, output in files,
/// registered for Ctrl-C), and waited for by polling, on the calling (dedicated) thread.
struct ScaleKubectl {
    let kubeconfig: String
    let directory: String

    /// Starts kubectl and returns at once, for a run whose duration is measured.
    func start(_ arguments: [String], label: String) throws(BenchError) -> SpawnedProcess {
        try SpawnedProcess(
            InstalledTool.kubectl,
            ["--kubeconfig", kubeconfig, "--cache-dir", "\(directory)/kubectl-cache", "--request-timeout", "60s"] + arguments,
            standardOutput: "\(directory)/\(label).out", standardError: "\(directory)/\(label).err")
    }

    /// Runs kubectl to completion and demands success; returns its standard output.
    @discardableResult
    func run(_ arguments: [String], label: String, timeout: Double = 60) throws(BenchError) -> String {
        let process = try start(arguments, label: label)
        let start = MonotonicClock.now()
        while process.isRunning {
            if MonotonicClock.seconds(since: start) > timeout {
                process.stop()
                throw .timeout("kubectl \(arguments.joined(separator: " "))")
            }
            usleep(5_000)
        }
        try check(process, arguments, label: label)
        return (try? TextFile.read("\(directory)/\(label).out")) ?? ""
    }

    func check(_ process: SpawnedProcess, _ arguments: [String], label: String) throws(BenchError) {
        guard let status = process.terminationStatus, status != 0 else { return }
        let errors = (try? TextFile.read("\(directory)/\(label).err")) ?? ""
        throw .process("kubectl \(arguments.joined(separator: " ")) exited with \(status): \(errors.suffix(600))")
    }
}
