import BenchSupport
import Foundation

/// `redis-eventsource-bench --controller-scale`: each size on fresh processes, one after the
/// other, then the figures as Markdown on standard output and, with `--markdown`, in a file.
struct ScaleBench {
    let options: ScaleOptions
    let productExecutable: String
    let markdownPath: String?
    let summaryPath: String?
    var keepWorkDirectory: Bool

    static let crdPath = "manifests/crds/argoproj.io_eventsources.yaml"

    mutating func run() async throws {
        let sizes = try options.sizes
        guard FileManager.default.fileExists(atPath: Self.crdPath) else {
            throw BenchError.tool("no \(Self.crdPath) here; run from the repository root")
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("redis-eventsource-scale-\(getpid())").path
        var results: [ScaleSizeResult] = []
        var failures: [ScaleSizeFailure] = []
        for size in sizes {
            let directory = "\(root)/\(size)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            Console.error("controller scale: \(size) EventSource(s)…")
            let largest = size == sizes.max()
            let run = ScaleSizeRun(
                size: size, productExecutable: productExecutable, controllerArguments: options.scaleControllerArgument,
                crdPath: FileManager.default.currentDirectoryPath + "/" + Self.crdPath, directory: directory,
                timeout: options.scaleTimeout, idleSeconds: options.scaleIdleSeconds > 0 ? options.scaleIdleSeconds : nil,
                reactionEdits: largest ? options.reactionEdits : 0)
            do {
                let result = try await BlockingWork.run("scale \(size)") { () throws(BenchError) in try run.run() }
                Console.error(
                    "  all \(size) Ready: \(result.allReadySeconds.map { ScaleResults.seconds($0) } ?? "no, \(result.readyFailure ?? "")") (kubectl apply \(ScaleResults.seconds(result.applySeconds)))")
                results.append(result)
            } catch {
                // A size that cannot run (the machine's limits, a crash) is a missed figure with
                // its reason; the other sizes still run. Only an interruption ends the bench.
                for _ in 0..<10 where ChildRegistry.isInterrupted { try? await Task.sleep(for: .seconds(1)) }
                Console.error("controller scale bench failed at \(size): \(error); logs are in \(directory)")
                failures.append(ScaleSizeFailure(size: size, reason: "\(error)"))
                keepWorkDirectory = true
            }
        }
        var shardedRows: [SummaryRow] = []
        if options.shardedSize > 0 {
            let directory = "\(root)/sharded-\(options.shardedSize)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            Console.error("controller scale: sharded, \(options.shardedSize) EventSources over 3 replicas…")
            let run = ShardedScaleRun(
                size: options.shardedSize, productExecutable: productExecutable,
                crdPath: FileManager.default.currentDirectoryPath + "/" + Self.crdPath, directory: directory,
                timeout: max(options.scaleTimeout, ShardedScaleRun.readyAim * 2))
            do {
                shardedRows = try await BlockingWork.run("sharded") { () throws(BenchError) in try run.run() }.summaryRows
            } catch {
                Console.error("sharded scale bench failed: \(error); logs are in \(directory)")
                shardedRows = [SummaryRow(figure: "sharded: \(options.shardedSize) EventSources", measured: "could not run: \(error)", aim: "see issue 20", met: nil)]
                keepWorkDirectory = true
            }
        }
        let scaleResults = ScaleResults(sizes: results, failures: failures, controllerArguments: options.scaleControllerArgument)
        var markdown = scaleResults.markdown
        if !shardedRows.isEmpty {
            markdown += "\nSharded (`--shard-by lease`, default Lease timing), against one kube-testserver and redis-server:\n\n"
                + "| figure | measured | aim | met? |\n|---|---|---|---|\n" + SummaryRow.markdown(shardedRows)
        }
        Console.out(markdown)
        if let markdownPath { try TextFile.write(markdown, to: markdownPath) }
        if let summaryPath {
            try TextFile.write(SummaryRow.markdown(scaleResults.summaryRows(sizes: sizes) + shardedRows), to: summaryPath)
        }
        if keepWorkDirectory {
            Console.error("scratch files kept in \(root)")
        } else {
            try? FileManager.default.removeItem(atPath: root)
        }
    }
}
