import Foundation

/// The outcome of one fuzz target.
struct FuzzResult {
    let target: FuzzTarget
    let count: Int
    let seed: UInt64
    var accepted: Int?
    /// nil when the target ran to its end; otherwise what went wrong (a signal, a hang).
    var failure: String?
    var seconds: Double

    var oneLine: String {
        if let failure { return "FAILED: \(failure) (reproduce: redis-eventsource-chaos fuzz --target \(target.rawValue) --seed \(seed) --count \(count))" }
        return "\(count) inputs in \(String(format: "%.1f", seconds)) s, \(accepted ?? 0) accepted, \(count - (accepted ?? 0)) rejected, no crash"
    }
}

enum FuzzRunner {
    /// Runs the target in a child process of this same executable, with a time limit.
    static func runIsolated(_ target: FuzzTarget, seed: UInt64, count: Int, limit: Double = 180) -> FuzzResult {
        var result = FuzzResult(target: target, count: count, seed: seed, seconds: 0)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-fuzz-\(UUID().uuidString.prefix(8))").path
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // The child's own /proc/self/exe is this program's file, even if a rebuild replaced it meanwhile.
        let executable = "/proc/self/exe"
        let started = Date()
        let child: ChaosProcess
        do {
            child = try ChaosProcess(
                executable, ["fuzz", "--target", target.rawValue, "--seed", String(seed), "--count", String(count)],
                folder: folder, label: "fuzz")
        } catch {
            result.failure = "\(error)"
            return result
        }
        let ended = Poll.until(seconds: limit, interval: 0.05) { !child.isRunning }
        result.seconds = Date().timeIntervalSince(started)
        guard ended else {
            child.kill()
            result.failure = "still running after \(Int(limit)) s (a hang, or quadratic time)"
            return result
        }
        let status = child.terminationStatus ?? -1
        let line = child.output.split(separator: "\n").first { $0.hasPrefix("fuzz-result ") }
        if status != 0 || line == nil {
            let reason = status > 128 ? "killed by signal \(status - 128)" : "exit status \(status)"
            result.failure = "\(reason): \(child.errorOutput.suffix(300))"
            return result
        }
        result.accepted = line?.split(separator: " ").first { $0.hasPrefix("accepted=") }.flatMap { Int($0.dropFirst("accepted=".count)) }
        return result
    }
}
