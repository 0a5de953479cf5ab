import BenchSupport
import Glibc

/// `kube-testserver` (the release build beside the bench) on a free port, its output in files
/// and its pid in the ChildRegistry, so Ctrl-C stops it like every other child of the bench.
struct ScaleKubeServer {
    let process: SpawnedProcess
    let url: String
    let kubeconfigPath: String

    static func start(in directory: String) throws(BenchError) -> ScaleKubeServer {
        let kubeconfigPath = "\(directory)/kubeconfig"
        let outputPath = "\(directory)/kube-testserver.out"
        let process = try SpawnedProcess(
            InstalledTool.builtProduct("kube-testserver"), ["--port", "0", "--kubeconfig", kubeconfigPath],
            standardOutput: outputPath, standardError: "\(directory)/kube-testserver.err")
        let start = MonotonicClock.now()
        while MonotonicClock.seconds(since: start) < 20 {
            guard process.isRunning else {
                throw .process("kube-testserver exited: \((try? TextFile.read("\(directory)/kube-testserver.err")) ?? "")")
            }
            let output = (try? TextFile.read(outputPath)) ?? ""
            if let url = output.split(separator: "\n").first(where: { $0.hasPrefix("http") }), access(kubeconfigPath, R_OK) == 0 {
                return ScaleKubeServer(process: process, url: String(url), kubeconfigPath: kubeconfigPath)
            }
            usleep(20_000)
        }
        process.stop()
        throw .timeout("kube-testserver did not print its URL")
    }

    func stop() { process.stop() }
}
