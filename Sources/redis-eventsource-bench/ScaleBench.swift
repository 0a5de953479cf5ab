import Foundation

/// `redis-eventsource-bench --controller-scale`: each size on fresh processes, one after the
/// other, then the figures as Markdown on standard output and, with `--markdown`, in a file.
struct ScaleBench {
    let options: ScaleOptions
    let productExecutable: String
    let markdownPath: String?
    let keepWorkDirectory: Bool

    static let crdPath = "manifests/crds/argoproj.io_eventsources.yaml"

    func run() async throws {
        let sizes = try options.sizes
        guard FileManager.default.fileExists(atPath: Self.crdPath) else {
            throw BenchError.tool("no \(Self.crdPath) here; run from the repository root")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("redis-eventsource-scale-\(getpid())").path
        var results: [ScaleSizeResult] = []
        for size in sizes {
            let directory = "\(root)/\(size)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            Console.error("controller scale: \(size) EventSource(s)…")
            let run = ScaleSizeRun(
                size: size, productExecutable: productExecutable, controllerArguments: options.scaleControllerArgument,
                crdPath: FileManager.default.currentDirectoryPath + "/" + Self.crdPath, directory: directory,
                timeout: options.scaleTimeout, idleSeconds: size == sizes.max() ? options.scaleIdleSeconds : nil)
            do {
                let result = try await BlockingWork.run("scale \(size)") { () throws(BenchError) in try run.run() }
                Console.error(
                    "  all \(size) Ready after \(ScaleResults.seconds(result.allReadySeconds)) (kubectl apply \(ScaleResults.seconds(result.applySeconds)))")
                results.append(result)
            } catch {
                for _ in 0..<10 where ChildRegistry.isInterrupted { try? await Task.sleep(for: .seconds(1)) }
                Console.error("controller scale bench failed at \(size); logs are in \(directory)")
                throw error
            }
        }
        let markdown = ScaleResults(sizes: results, controllerArguments: options.scaleControllerArgument).markdown
        Console.out(markdown)
        if let markdownPath { try TextFile.write(markdown, to: markdownPath) }
        if keepWorkDirectory {
            Console.error("scratch files kept in \(root)")
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}
