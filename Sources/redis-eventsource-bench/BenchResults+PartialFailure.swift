/// The partial-failure figure (issue 13) as text and as Markdown: each failure rate's throughput
/// as a share of the healthy run of the same round, against the target. With several rounds
/// (`--partial-rounds`) the share is the median of the rounds' shares.
extension BenchResults {
    /// What issue 19 asks of the 30 % run, beside issue 13's (1 − failure rate) × 0.5.
    static let thirtyPercentAim = 0.35

    private func healthy(inRound round: Int) -> PartialFailureFigure? {
        partialFailures.first { $0.failureRate == 0 && $0.round == round }
    }

    private var failureRates: [Double] {
        partialFailures.map(\.failureRate).filter { $0 > 0 }.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
    }

    private func runs(at rate: Double) -> [PartialFailureFigure] { partialFailures.filter { $0.failureRate == rate } }

    /// The median over rounds of each failing run against the healthy run of its round.
    func partialShare(at rate: Double) -> Double? {
        Self.median(runs(at: rate).compactMap { $0.ratio(toHealthy: healthy(inRound: $0.round)) })
    }

    private static func target(_ rate: Double) -> Double {
        let issue13 = (1 - rate) * 0.5
        return rate == 0.3 ? max(issue13, thirtyPercentAim) : issue13
    }

    private static func rateLabel(_ rate: Double) -> String { "\(Int((rate * 100).rounded()))%" }

    private func describe(_ rate: Double) -> String {
        let figures = runs(at: rate)
        let requests = figures.map(\.requests).reduce(0, +)
        let failures = figures.map(\.failures).reduce(0, +)
        var note = "\(Self.number(Double(failures))) 503s of \(Self.number(Double(requests))) requests"
        if figures.contains(where: { !$0.throughput.complete }) { note += ", INCOMPLETE" }
        return note
    }

    /// Each round's runs, with the load average as each ended.
    private var partialRoundsText: [String] {
        let rounds = Set(partialFailures.map(\.round)).sorted()
        return rounds.map { round in
            let runs = partialFailures.filter { $0.round == round }.map { figure in
                "\(Self.rateLabel(figure.failureRate)) \(Self.number(figure.throughput.rate))/s"
                    + (figure.loadAverage.map { " (load \(String(format: "%.1f", $0)))" } ?? "")
            }
            return "round \(round): " + runs.joined(separator: ", ")
        }
    }

    var partialFailureText: [String] {
        let healthyRates = runs(at: 0).map(\.throughput.rate)
        guard let healthy = Self.median(healthyRates) else { return [] }
        var lines = [
            "",
            "(c) partly failing receiver, \(Self.number(Double(settings.partialEntries))) entries per run: "
                + "healthy \(Self.number(healthy)) events/s (median of \(healthyRates.count))",
        ]
        for rate in failureRates {
            let share = partialShare(at: rate)
            let met = (share ?? 0) >= Self.target(rate)
            lines.append(
                "    \(Self.rateLabel(rate)) 503s: \(Self.number(Self.median(runs(at: rate).map(\.throughput.rate)))) events/s, "
                    + "\(Self.percent(share)) of healthy  \(met ? "meets" : "BELOW") ≥ \(Self.percent(Self.target(rate)))  (\(describe(rate)))")
        }
        if partialRoundsText.count > 1 { lines += partialRoundsText.map { "    \($0)" } }
        return lines
    }

    var partialFailureMarkdown: [String] {
        let healthyRates = runs(at: 0).map(\.throughput.rate)
        guard let healthy = Self.median(healthyRates) else { return [] }
        var rows = [
            "",
            "Partly failing receiver (issues 13 and 19): the HTTP sink with the receiver answering 503 to a random share of "
                + "requests, \(Self.number(Double(settings.partialEntries))) entries per run, each run against the "
                + "healthy run of the same size in the same round (\(Self.number(healthy)) events/s). "
                + "Target: at least (1 − failure rate) × 0.5 of healthy, and 35% at 30% 503s.",
            "",
            "| 503s | events/s | share of healthy | target | requests (503s) |",
            "|---:|---:|---:|---:|---:|",
        ]
        for rate in failureRates {
            let share = partialShare(at: rate)
            let mark = (share ?? 0) >= Self.target(rate) ? "" : " (below)"
            rows.append(
                "| \(Self.rateLabel(rate)) | \(Self.number(Self.median(runs(at: rate).map(\.throughput.rate)))) | "
                    + "**\(Self.percent(share))**\(mark) | \(Self.percent(Self.target(rate))) | \(describe(rate)) |")
        }
        if partialRoundsText.count > 1 { rows += [""] + partialRoundsText.map { "- \($0)" } }
        return rows
    }
}
