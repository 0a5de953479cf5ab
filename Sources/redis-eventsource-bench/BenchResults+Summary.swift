/// Issue 10's throughput and latency figures with their aims, for the final summary table.
extension BenchResults {
    var summaryRows: [SummaryRow] {
        var rows = [
            ratioRow(
                "stdout sink vs raw hiredis XREADGROUP+XACK", product: productStdout?.rate, raw: rawRedis?.rate,
                unit: "entries/s", aim: Self.stdoutAim),
            ratioRow(
                "HTTP sink vs libcurl alone, \(Self.connections(settings.httpConnections))", product: productHTTP?.rate,
                raw: curlBaseline, unit: "requests/s", aim: Self.curlAim),
            ratioRow(
                "HTTP sink vs wrk -c\(settings.httpConnections)", product: productHTTP?.rate, raw: rawReceiver,
                unit: "requests/s", aim: Self.wrkAim),
        ]
        let wanted = ["\(settings.latencyRate)/s", "half the HTTP maximum"]
        for label in wanted {
            guard let figure = latencies.first(where: { $0.load.label == label }), let latency = figure.summary else {
                rows.append(SummaryRow(figure: "latency p99 at \(label)", measured: "not measured", aim: "≤ 2 ms", met: nil))
                continue
            }
            rows.append(
                SummaryRow(
                    figure: "latency p99 XADD → receiver at \(Self.number(Double(figure.load.rate))) events/s"
                        + (label == wanted[0] ? "" : " (\(label))"),
                    measured: "\(Self.milliseconds(latency.p99)) (p50 \(Self.milliseconds(latency.p50)), sent \(Self.number(figure.sentRate))/s)",
                    aim: "≤ 2 ms", met: figure.met))
        }
        rows.append(
            ratioRow(
                "JetStream sink vs raw libnats (kept from issue 8)", product: productJetStream?.rate, raw: rawJetStream?.rate,
                unit: "messages/s", aim: Self.jetStreamAim))
        if settings.partialEntries > 0 {
            let share = partialShare(at: 0.3)
            rows.append(
                SummaryRow(
                    figure: "HTTP sink with 30% 503s vs healthy (issue 19)", measured: share.map { Self.percent($0) } ?? "not measured",
                    aim: "≥ \(Self.percent(Self.thirtyPercentAim))", met: share.map { $0 >= Self.thirtyPercentAim }))
        }
        return rows
    }

    private func ratioRow(_ figure: String, product: Double?, raw: Double?, unit: String, aim: Double) -> SummaryRow {
        guard let product, let raw, raw > 0 else {
            return SummaryRow(figure: figure, measured: "not measured", aim: "≥ \(Self.times(aim))", met: nil)
        }
        let ratio = product / raw
        return SummaryRow(
            figure: figure, measured: "\(Self.times(ratio)) (\(Self.number(product)) vs \(Self.number(raw)) \(unit))",
            aim: "≥ \(Self.times(aim))", met: ratio >= aim)
    }
}
