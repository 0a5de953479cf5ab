import Foundation

/// The scale bench's figures as the Markdown that `scripts/bench-controller.sh` puts into
/// BENCHMARKS.md (and the bench prints).
struct ScaleResults {
    let sizes: [ScaleSizeResult]
    let controllerArguments: [String]
    let readyTarget = 30.0
    let memoryTargetMiB = 256.0

    var markdown: String {
        var lines: [String] = []
        let extra = controllerArguments.isEmpty
            ? "no other flags, so the defaults hold: 4 workers, transitions written at once, counter-only status changes at most 20/s overall and every 10 s per object, a resync of every EventSource every 10 s"
            : "and, not the defaults, `\(controllerArguments.joined(separator: " "))`"
        lines.append(
            "Controller: `redis-eventsource controller --default-sink stdout --http-port <free> --consumer-name scale-bench`, \(extra).")
        lines.append("")
        lines.append("| EventSources | `kubectl apply` | first Ready | **all Ready** | ≤ \(Int(readyTarget)) s | Ready at 10 s / 30 s | SIGTERM to exit |")
        lines.append("|---:|---:|---:|---:|:---:|---:|---:|")
        for run in sizes {
            let met = run.allReadySeconds <= readyTarget ? "yes" : "**no**"
            lines.append(
                "| \(Self.count(run.size)) | \(Self.seconds(run.applySeconds)) | \(Self.seconds(run.firstReadySeconds)) | **\(Self.seconds(run.allReadySeconds))** | \(met) | \(Self.count(run.ready(at: 10))) / \(Self.count(run.ready(at: 30))) | \(Self.seconds(run.shutdownSeconds)) (exit \(run.shutdownStatus)) |")
        }
        lines.append("")
        lines.append("Where the time goes, from the apply to all Ready:")
        lines.append("")
        lines.append("| EventSources | status writes | reconciles | controller CPU | kube-testserver CPU (with the polls) | controller RSS, threads at all Ready |")
        lines.append("|---:|---:|---:|---:|---:|---:|")
        for run in sizes {
            let wall = max(run.allReadySeconds, 0.001)
            lines.append(
                "| \(Self.count(run.size)) | \(Self.count(Int(run.statusWrites))) (\(Self.rate(run.statusWrites / wall))) | \(Self.count(Int(run.reconciles))) (\(Self.rate(run.reconciles / wall))) | \(Self.seconds(run.controllerCPUSeconds)) (\(Self.percent(run.controllerCPUSeconds / wall * 100)) of a core) | \(Self.seconds(run.kubeServerCPUSeconds)) | \(Self.mebibytes(run.controller.residentKiB)), \(run.controller.threads) |")
        }
        lines.append("")
        for run in sizes {
            guard let idle = run.idle else { continue }
            let memoryMet = Double(idle.controller.residentKiB) / 1024 <= memoryTargetMiB ? "yes" : "**no**"
            lines.append(
                "Idle with \(Self.count(run.size)) adapters running (\(Int(idle.settleSeconds)) s after the last Ready, measured over \(Self.seconds(idle.windowSeconds))):")
            lines.append("")
            lines.append("| controller RSS | < \(Int(memoryTargetMiB)) MB | peak RSS (VmHWM) | threads | controller CPU | Redis connections | Redis commands/s | redis-server CPU | kube-testserver CPU | status writes, reconciles/s |")
            lines.append("|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            lines.append(
                "| **\(Self.mebibytes(idle.controller.residentKiB))** | \(memoryMet) | \(Self.mebibytes(idle.controller.peakResidentKiB)) | **\(idle.controller.threads)** | \(Self.percent(idle.controllerCPUPercent)) | \(Self.count(idle.redisClients)) (maxclients \(Self.count(idle.redisMaxClients))) | \(Self.count(Int(idle.redisCommandsPerSecond.rounded()))) | \(Self.percent(idle.redisCPUPercent)) | \(Self.percent(idle.kubeServerCPUPercent)) | \(Int(idle.statusWritesInWindow)), \(String(format: "%.0f", idle.reconcilesPerSecond)) |")
            lines.append("")
        }
        let polls = sizes.map { "\(Self.count($0.size)): \($0.samples.count) polls, \(String(format: "%.0f", $0.meanPollMilliseconds)) ms each" }
        lines.append("Times run from spawning `kubectl apply` to the first poll of the list that found every object's `Ready` condition `True`. List polls (GET, JSON parsed in the bench): \(polls.joined(separator: "; ")). Reconcile errors: \(sizes.map { Self.count(Int($0.reconcileErrors)) }.joined(separator: " / ")); adapters running at all Ready: \(sizes.map { Self.count(Int($0.adaptersRunning)) }.joined(separator: " / ")).")
        if let largest = sizes.max(by: { $0.size < $1.size }), largest.size >= 100 {
            lines.append("")
            lines.append("Progress of the \(Self.count(largest.size)) run (seconds: created / with a status / Ready): \(progress(largest)).")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One line of the list as it filled up, about every 5 s.
    private func progress(_ run: ScaleSizeResult) -> String {
        var points: [String] = []
        let step = run.allReadySeconds < 10 ? 1.0 : run.allReadySeconds < 60 ? 5.0 : 10.0
        var next = 0.0
        for sample in run.samples where sample.seconds >= next || sample.seconds == run.allReadySeconds {
            points.append("\(Self.seconds(sample.seconds)): \(sample.objects) / \(sample.withStatus) / \(sample.ready)")
            next = (sample.seconds / step).rounded(.down) * step + step
        }
        return points.joined(separator: ", ")
    }

    static func seconds(_ value: Double) -> String { String(format: value < 10 ? "%.2f s" : "%.1f s", value) }
    static func rate(_ perSecond: Double) -> String { String(format: "%.1f/s", perSecond) }
    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value) }
    static func mebibytes(_ kibibytes: Int) -> String { String(format: "%.0f MB", Double(kibibytes) / 1024) }

    static func count(_ value: Int) -> String {
        let digits = String(abs(value))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }
}
