/// The partial-failure figure (issue 13) as text and as Markdown: each failure rate's throughput
/// as a share of the healthy run, against the target (1 − failure rate) × 0.5.
extension BenchResults {
    private var healthyRun: PartialFailureFigure? { partialFailures.first { $0.failureRate == 0 } }

    private func verdict(_ figure: PartialFailureFigure) -> String {
        guard let ratio = figure.ratio(toHealthy: healthyRun) else { return "n/a" }
        return ratio >= figure.target ? "meets ≥ \(Self.percent(figure.target))" : "BELOW \(Self.percent(figure.target))"
    }

    private func describe(_ figure: PartialFailureFigure) -> String {
        var note = "\(Self.number(Double(figure.failures))) 503s of \(Self.number(Double(figure.requests))) requests"
        if !figure.throughput.complete { note += ", INCOMPLETE" }
        return note
    }

    var partialFailureText: [String] {
        guard let healthy = healthyRun else { return [] }
        var lines = [
            "",
            "(c) partly failing receiver, \(Self.number(Double(settings.partialEntries))) entries per run: "
                + "healthy \(Self.number(healthy.throughput.rate)) events/s",
        ]
        for figure in partialFailures where figure.failureRate > 0 {
            lines.append(
                "    \(Int((figure.failureRate * 100).rounded()))% 503s: \(Self.number(figure.throughput.rate)) events/s, "
                    + "\(Self.percent(figure.ratio(toHealthy: healthy))) of healthy  \(verdict(figure))  (\(describe(figure)))")
        }
        return lines
    }

    var partialFailureMarkdown: [String] {
        guard let healthy = healthyRun else { return [] }
        var rows = [
            "",
            "Partly failing receiver (issue 13): the HTTP sink with the receiver answering 503 to a random share of "
                + "requests, \(Self.number(Double(settings.partialEntries))) entries per run, each run against the "
                + "healthy run of the same size in this run (\(Self.number(healthy.throughput.rate)) events/s). "
                + "Target: at least (1 − failure rate) × 0.5 of healthy.",
            "",
            "| 503s | events/s | share of healthy | target | requests (503s) |",
            "|---:|---:|---:|---:|---:|",
        ]
        for figure in partialFailures where figure.failureRate > 0 {
            let ratio = figure.ratio(toHealthy: healthy)
            let mark = (ratio ?? 0) >= figure.target ? "" : " (below)"
            rows.append(
                "| \(Int((figure.failureRate * 100).rounded()))% | \(Self.number(figure.throughput.rate)) | "
                    + "**\(Self.percent(ratio))**\(mark) | \(Self.percent(figure.target)) | "
                    + "\(Self.number(Double(figure.requests))) (\(Self.number(Double(figure.failures))))"
                    + "\(figure.throughput.complete ? "" : ", INCOMPLETE") |")
        }
        return rows
    }
}
