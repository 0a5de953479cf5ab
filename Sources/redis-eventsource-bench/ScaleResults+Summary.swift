/// The scale and reaction figures with issue 10's aims, one row per figure and size, for the
/// final summary table. A size that could not run, or missed Ready, shows its reason.
extension ScaleResults {
    func summaryRows(sizes requested: [Int]) -> [SummaryRow] {
        var rows: [SummaryRow] = []
        for size in requested {
            let label = "\(Self.count(size)) EventSource\(size == 1 ? "" : "s")"
            if let failure = failures.first(where: { $0.size == size }) {
                rows.append(SummaryRow(figure: "scale: \(label)", measured: "could not run: \(Self.oneLine(failure.reason))", aim: "all of the below", met: nil))
                continue
            }
            guard let run = sizes.first(where: { $0.size == size }) else { continue }
            rows.append(
                SummaryRow(
                    figure: "scale: \(label) all Ready after one kubectl apply",
                    measured: run.allReadySeconds.map { Self.seconds($0) } ?? "not Ready: \(run.readyFailure ?? "")",
                    aim: "≤ \(Int(Self.readyAim)) s", met: run.allReadySeconds.map { $0 <= Self.readyAim } ?? false))
            if let idle = run.idle {
                let resident = Double(idle.controller.residentKiB) / 1024
                rows.append(
                    SummaryRow(
                        figure: "scale: \(label) RSS (idle)", measured: Self.mebibytes(idle.controller.residentKiB),
                        aim: "≤ \(Int(Self.memoryAimMiB)) MB", met: resident <= Self.memoryAimMiB))
                rows.append(
                    SummaryRow(
                        figure: "scale: \(label) threads (idle)", measured: "\(idle.controller.threads)", aim: "≤ \(Self.threadsAim)",
                        met: idle.controller.threads <= Self.threadsAim))
                rows.append(
                    SummaryRow(
                        figure: "scale: \(label) idle CPU over \(Self.seconds(idle.windowSeconds))",
                        measured: "\(Self.percent(idle.controllerCPUPercent)) of a core", aim: "≤ \(Int(Self.idleCPUAimPercent))%",
                        met: idle.controllerCPUPercent <= Self.idleCPUAimPercent))
            } else {
                // Not idle-measured because not all were Ready: report what was seen at the timeout.
                rows.append(
                    SummaryRow(
                        figure: "scale: \(label) RSS, threads, idle CPU",
                        measured: "not measured (not all Ready); at the timeout \(Self.mebibytes(run.controller.residentKiB)), \(run.controller.threads) threads",
                        aim: "≤ \(Int(Self.memoryAimMiB)) MB, ≤ \(Self.threadsAim), ≤ \(Int(Self.idleCPUAimPercent))%", met: nil))
            }
            let shutdown = run.shutdown
            rows.append(
                SummaryRow(
                    figure: "scale: \(label) SIGTERM to exit, every PEL empty",
                    measured: "\(Self.seconds(shutdown.seconds)) (exit \(shutdown.status)), \(Self.pel(shutdown))",
                    aim: "≤ \(Int(Self.shutdownAim)) s, PELs empty",
                    met: shutdown.seconds <= Self.shutdownAim && shutdown.streamsWithPending == 0 && shutdown.status == 0))
        }
        let largest = requested.max() ?? 0
        if let reaction = sizes.first(where: { $0.size == largest })?.reaction {
            rows.append(
                SummaryRow(
                    figure: "reaction: edit one of \(Self.count(largest)), adapter on the new stream (p50 of \(reaction.seconds.count))",
                    measured: reaction.median.map { Self.milliseconds($0) } ?? "missed (\(reaction.missed) of \(reaction.seconds.count) not within \(Int(ScaleReaction.timeout)) s)",
                    aim: "≤ \(Int(Self.reactionAim)) s", met: reaction.median.map { $0 <= Self.reactionAim } ?? false))
        } else {
            rows.append(
                SummaryRow(
                    figure: "reaction: edit one of \(Self.count(largest)) (p50 of 20)", measured: "not measured (that size did not reach all Ready)",
                    aim: "≤ \(Int(Self.reactionAim)) s", met: nil))
        }
        return rows
    }
}
