/// Issue 19's benchmark aims, each from this run's alternating rounds, with the 1-minute load
/// average as each of its runs ended: on a shared machine a figure means little without it.
extension BenchResults {
    static let issue19StdoutAim = 0.8
    static let issue19CurlAim = 0.9
    static let issue19WrkAim = 0.6
    static let issue19JetStreamAim = 0.6

    var issue19AimRows: [SummaryRow] {
        let connections = settings.httpConnections
        var rows = [
            Self.roundsRow(
                "stdout sink vs raw hiredis XREADGROUP+XACK", product: productStdoutRounds, raw: rawRedisRounds.map(Self.measured),
                unit: "entries/s", aim: Self.issue19StdoutAim),
            Self.roundsRow(
                "HTTP sink vs libcurl alone, \(Self.connections(connections))", product: productHTTPRounds, raw: curlBaselineRuns,
                unit: "requests/s", aim: Self.issue19CurlAim),
            Self.roundsRow(
                "HTTP sink vs wrk -c\(connections)", product: productHTTPRounds, raw: rawReceiverRuns,
                unit: "requests/s", aim: Self.issue19WrkAim),
            Self.roundsRow(
                "JetStream sink vs raw libnats js_PublishMsgAsync (window \(settings.jetStreamWindow))", product: productJetStreamRounds,
                raw: rawJetStreamRounds.map(Self.measured), unit: "messages/s", aim: Self.issue19JetStreamAim),
        ]
        for label in ["\(settings.latencyRate)/s", "half the HTTP maximum"] {
            guard let figure = latencies.first(where: { $0.load.label == label }), let latency = figure.summary else {
                rows.append(SummaryRow(figure: "latency p99 XADD → receiver at \(label)", measured: "not measured", aim: "≤ 2 ms", met: nil))
                continue
            }
            rows.append(
                SummaryRow(
                    figure: "latency p99 XADD → receiver at \(Self.number(Double(figure.load.rate))) events/s"
                        + (label == "\(settings.latencyRate)/s" ? "" : " (\(label))"),
                    measured: "\(Self.milliseconds(latency.p99)) (p50 \(Self.milliseconds(latency.p50)), "
                        + "sent \(Self.number(figure.sentRate))/s for \(figure.load.seconds) s; \(Self.load(figure.loadAverage)))",
                    aim: "≤ \(Self.milliseconds(LatencyFigure.p99Aim))", met: figure.met))
        }
        rows.append(thirtyPercentRow)
        return rows
    }

    /// The median product round against the median raw round, with every round and its load.
    private static func roundsRow(
        _ figure: String, product: [ThroughputFigure], raw: [MeasuredRate], unit: String, aim: Double
    ) -> SummaryRow {
        guard let productRate = median(product.map(\.rate)), let rawRate = median(raw.map(\.value)), rawRate > 0 else {
            return SummaryRow(figure: figure, measured: "not measured", aim: "≥ \(times(aim))", met: nil)
        }
        let ratio = productRate / rawRate
        let rounds = zip(product, raw).map { product, raw in
            "\(number(product.rate)) vs \(number(raw.value)) (\(load(product.loadAverage)))"
        }
        let incomplete = product.contains { !$0.complete } ? ", a product round INCOMPLETE" : ""
        return SummaryRow(
            figure: figure,
            measured: "\(times(ratio)) (medians \(number(productRate)) vs \(number(rawRate)) \(unit); rounds: "
                + rounds.joined(separator: ", ") + incomplete + ")",
            aim: "≥ \(times(aim))", met: ratio >= aim && !product.contains { !$0.complete })
    }

    private var thirtyPercentRow: SummaryRow {
        let figure = "HTTP sink with 30% 503s vs healthy"
        let aim = "≥ \(Self.percent(Self.thirtyPercentAim))"
        guard settings.partialEntries > 0, let share = partialShare(at: 0.3) else {
            return SummaryRow(figure: figure, measured: "not measured", aim: aim, met: nil)
        }
        let rounds = Set(partialFailures.map(\.round)).sorted().compactMap { round -> String? in
            guard let healthy = partialFailures.first(where: { $0.round == round && $0.failureRate == 0 }),
                let failing = partialFailures.first(where: { $0.round == round && $0.failureRate == 0.3 })
            else { return nil }
            return "\(Self.number(failing.throughput.rate)) vs \(Self.number(healthy.throughput.rate)) (\(Self.load(failing.loadAverage)))"
        }
        return SummaryRow(
            figure: figure,
            measured: "\(Self.percent(share)) (median of the rounds' shares; rounds: \(rounds.joined(separator: ", ")))",
            aim: aim, met: share >= Self.thirtyPercentAim)
    }

    private static func measured(_ figure: ThroughputFigure) -> MeasuredRate {
        MeasuredRate(value: figure.rate, loadAverage: figure.loadAverage)
    }

    static func load(_ value: Double?) -> String {
        value.map { String(format: "load %.1f", $0) } ?? "load n/a"
    }
}
