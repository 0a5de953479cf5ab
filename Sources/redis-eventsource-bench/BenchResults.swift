import Glibc

/// The figures of one run, and how they read as text and as the Markdown table in BENCHMARKS.md.
struct BenchResults: Sendable {
    let settings: BenchSettings
    var fillSeconds = 0.0
    var rawRedisRounds: [ThroughputFigure] = []
    var productStdoutRounds: [ThroughputFigure] = []
    /// wrk, one run per round, each just before that round's libcurl and product runs.
    var rawReceiverRuns: [MeasuredRate] = []
    var productHTTPRounds: [ThroughputFigure] = []
    /// libcurl's own loop against the receiver, one run per round: where the HTTP gap is
    /// libcurl's, not the adapter's.
    var curlBaselineRuns: [MeasuredRate] = []
    var receivedHTTP = 0
    var requestBytes = 0
    var bodyBytes = 0
    /// 1,000 events/s first, then half the HTTP sink's maximum.
    var latencies: [LatencyFigure] = []
    var rawJetStreamRounds: [ThroughputFigure] = []
    var productJetStreamRounds: [ThroughputFigure] = []
    var busBodyBytes = 0
    /// Healthy first, then each failure rate (issue 13).
    var partialFailures: [PartialFailureFigure] = []
    /// (d) One cluster entry over streams on several masters, and raw loops on the same masters (issue 18).
    var clusterRawRounds: [ThroughputFigure] = []
    var clusterProductRounds: [ThroughputFigure] = []
    var clusterStreams = 0
    var clusterMasters = 0

    /// Issue 10's aims, each against its raw figure in the same run.
    static let stdoutAim = 0.8
    static let curlAim = 0.9
    static let wrkAim = 0.6
    /// The JetStream figure keeps the earlier aim (issues 3 and 8): half of raw libnats.
    static let jetStreamAim = 0.5
    /// Issue 18: the stdout sink reading streams over several cluster masters, against raw loops on them.
    static let clusterAim = 0.7

    var rawRedis: ThroughputFigure? { Self.median(rawRedisRounds) }
    var productStdout: ThroughputFigure? { Self.median(productStdoutRounds) }
    var productHTTP: ThroughputFigure? { Self.median(productHTTPRounds) }
    var rawReceiver: Double? { Self.median(rawReceiverRuns.map(\.value)) }
    var curlBaseline: Double? { Self.median(curlBaselineRuns.map(\.value)) }

    static func median(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.sorted()[values.count / 2]
    }

    static func median(_ figures: [ThroughputFigure]) -> ThroughputFigure? {
        guard !figures.isEmpty else { return nil }
        return figures.sorted { $0.rate < $1.rate }[figures.count / 2]
    }

    static func rates(_ figures: [ThroughputFigure]) -> String {
        figures.map { number($0.rate) }.joined(separator: " / ")
    }

    static func rates(_ runs: [MeasuredRate]) -> String {
        runs.map { number($0.value) }.joined(separator: " / ")
    }

    var stdoutRatio: Double? { ratio(productStdout?.rate, rawRedis?.rate) }
    var clusterRaw: ThroughputFigure? { Self.median(clusterRawRounds) }
    var clusterProduct: ThroughputFigure? { Self.median(clusterProductRounds) }
    var clusterRatio: Double? { ratio(clusterProduct?.rate, clusterRaw?.rate) }
    var clusterLoad: String { "\(clusterStreams) streams over \(clusterMasters) cluster masters" }
    var rawJetStream: ThroughputFigure? { Self.median(rawJetStreamRounds) }
    var productJetStream: ThroughputFigure? { Self.median(productJetStreamRounds) }
    var jetStreamRatio: Double? { ratio(productJetStream?.rate, rawJetStream?.rate) }
    var httpRatio: Double? { ratio(productHTTP?.rate, rawReceiver) }
    var curlRatio: Double? { ratio(productHTTP?.rate, curlBaseline) }

    private func ratio(_ product: Double?, _ raw: Double?) -> Double? {
        guard let product, let raw, raw > 0 else { return nil }
        return product / raw
    }

    static func number(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        let digits = Array(String(Int(value.rounded())))
        var out = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }

    static func percent(_ value: Double?) -> String {
        guard let value else { return "n/a" }
        return String(format: "%.1f%%", value * 100)
    }

    static func connections(_ count: Int) -> String { count == 1 ? "1 connection" : "\(count) connections" }

    static func milliseconds(_ value: Double) -> String { String(format: "%.2f ms", value) }

    static func verdict(_ ratio: Double?, aim: Double) -> String {
        guard let ratio else { return "n/a" }
        return ratio >= aim ? "meets ≥ \(times(aim))" : "MISSED: aim ≥ \(times(aim))"
    }

    static func times(_ value: Double) -> String { String(format: "%.2f×", value) }

    private static func note(_ figure: ThroughputFigure?) -> String {
        guard let figure else { return "" }
        var parts = ["\(number(Double(figure.entries))) in \(String(format: "%.2f", figure.seconds)) s"]
        if let startup = figure.startup { parts.append(String(format: "first ack after %.2f s", startup)) }
        if !figure.complete { parts.append("INCOMPLETE") }
        return parts.joined(separator: ", ")
    }

    /// (d), also printed alone by `--cluster-only`.
    var clusterText: [String] {
        [
            "(d) stdout sink, \(clusterLoad)  \(Self.number(clusterProduct?.rate)) events/s   "
                + "(median of \(Self.rates(clusterProductRounds)); \(Self.note(clusterProduct)))",
            "    raw hiredis loops, one per stream at once \(Self.number(clusterRaw?.rate)) entries/s  "
                + "(median of \(Self.rates(clusterRawRounds)); \(Self.note(clusterRaw)))",
            "    ratio \(Self.percent(clusterRatio))  \(Self.verdict(clusterRatio, aim: Self.clusterAim)): "
                + (clusterRatio.map { $0 >= Self.clusterAim ? "met" : "missed" } ?? "not measured"),
        ]
    }

    var text: String {
        var lines = [
            "",
            "redis-eventsource benchmark: \(Self.number(Double(settings.entries))) entries of 3 short fields, "
                + "COUNT \(settings.readCount) per read, 1 adapter, everything on 127.0.0.1",
            "",
            "(a) stdout sink > /dev/null   \(Self.number(productStdout?.rate)) events/s   "
                + "(median of \(Self.rates(productStdoutRounds)); \(Self.note(productStdout)))",
            "    raw hiredis XREADGROUP+XACK \(Self.number(rawRedis?.rate)) entries/s  "
                + "(median of \(Self.rates(rawRedisRounds)); \(Self.note(rawRedis)))",
            "    ratio \(Self.percent(stdoutRatio))  \(Self.verdict(stdoutRatio, aim: Self.stdoutAim))",
            "",
            "(b) HTTP sink, binary mode    \(Self.number(productHTTP?.rate)) events/s   (median of \(Self.rates(productHTTPRounds)); "
                + "\(Self.note(productHTTP)); \(Self.number(Double(receivedHTTP))) requests arrived in all)",
            "    raw receiver under wrk     \(Self.number(rawReceiver)) requests/s  (median of "
                + "\(Self.rates(rawReceiverRuns)); \(Self.connections(settings.httpConnections)), "
                + "\(requestBytes)-byte requests, \(bodyBytes)-byte body, \(settings.wrkSeconds) s each)",
            "    ratio to wrk \(Self.percent(httpRatio))  \(Self.verdict(httpRatio, aim: Self.wrkAim))",
            "    libcurl alone (curl_multi, \(Self.connections(settings.httpConnections)), same request): "
                + "\(Self.number(curlBaseline)) requests/s (median of \(Self.rates(curlBaselineRuns)); \(Self.percent(ratio(curlBaseline, rawReceiver))) of wrk)",
            "    ratio to libcurl alone \(Self.percent(curlRatio))  \(Self.verdict(curlRatio, aim: Self.curlAim))",
            "",
            "(c) JetStream sink → nats-server \(Self.number(productJetStream?.rate)) events/s   "
                + "(median of \(Self.rates(productJetStreamRounds)); \(Self.note(productJetStream)))",
            "    raw libnats async publish  \(Self.number(rawJetStream?.rate)) messages/s  "
                + "(median of \(Self.rates(rawJetStreamRounds)); window \(settings.jetStreamWindow), \(busBodyBytes)-byte bodies)",
            "    ratio \(Self.percent(jetStreamRatio))  \(Self.verdict(jetStreamRatio, aim: Self.jetStreamAim))",
            "",
        ] + clusterText + [""]
        for figure in latencies {
            let head = "latency XADD -> receiver at \(figure.load.rate)/s (\(figure.load.label), sent at \(Self.number(figure.sentRate))/s) for \(figure.load.seconds) s: "
            guard let latency = figure.summary else {
                lines.append(head + "no events arrived")
                continue
            }
            lines.append(
                head + "p50 \(Self.milliseconds(latency.p50)), p99 \(Self.milliseconds(latency.p99)), "
                    + "max \(Self.milliseconds(latency.max)) (\(latency.count) events)  "
                    + (figure.met == true ? "meets p99 ≤ 2 ms" : "MISSED: aim p99 ≤ 2 ms"))
        }
        if latencies.isEmpty { lines.append("latency: not measured") }
        lines += partialFailureText
        return lines.joined(separator: "\n")
    }

    var markdown: String {
        var rows = [
            "| figure | product | raw capacity (same run) | ratio | aim |",
            "|---|---:|---:|---:|---:|",
            "| (a) stdout sink → /dev/null | \(Self.number(productStdout?.rate)) events/s | "
                + "\(Self.number(rawRedis?.rate)) entries/s (hiredis XREADGROUP COUNT \(settings.readCount) + XACK) | "
                + "**\(Self.percent(stdoutRatio))** | ≥ 80% |",
            "| (b) HTTP sink, binary mode → receiver on 127.0.0.1 | \(Self.number(productHTTP?.rate)) events/s | "
                + "\(Self.number(rawReceiver)) requests/s (wrk, \(Self.connections(settings.httpConnections)), \(requestBytes)-byte requests) | "
                + "**\(Self.percent(httpRatio))** | ≥ 60% |",
            "| (b) the same HTTP run against libcurl alone | \(Self.number(productHTTP?.rate)) events/s | "
                + "\(Self.number(curlBaseline)) requests/s (curl_multi, \(Self.connections(settings.httpConnections)), the same request) | "
                + "**\(Self.percent(curlRatio))** | ≥ 90% |",
            "| (c) JetStream sink → nats-server on 127.0.0.1 | \(Self.number(productJetStream?.rate)) events/s | "
                + "\(Self.number(rawJetStream?.rate)) messages/s (libnats js_PublishMsgAsync, window \(settings.jetStreamWindow), "
                + "\(busBodyBytes)-byte bodies, a Nats-Msg-Id each) | **\(Self.percent(jetStreamRatio))** | ≥ 50% |",
            "| (d) stdout sink, one cluster entry, \(clusterLoad) | \(Self.number(clusterProduct?.rate)) events/s | "
                + "\(Self.number(clusterRaw?.rate)) entries/s (a hiredis XREADGROUP+XACK loop per stream, all at once, same masters) | "
                + "**\(Self.percent(clusterRatio))** | ≥ 70% |",
            "",
        ]
        for figure in latencies {
            guard let latency = figure.summary else { continue }
            rows.append(
                "Latency from XADD to arrival at the receiver, \(Self.number(Double(figure.load.rate))) events/s (\(figure.load.label); "
                    + "the producer held \(Self.number(figure.sentRate))/s) for \(figure.load.seconds) s (\(Self.number(Double(latency.count))) events): "
                    + "**p50 \(Self.milliseconds(latency.p50))**, **p99 \(Self.milliseconds(latency.p99))**, max \(Self.milliseconds(latency.max)).")
            rows.append("")
        }
        rows += [
            "",
            "Details: (a) medians of \(settings.stdoutRounds) alternating rounds; product rounds "
                + "\(Self.rates(productStdoutRounds)) events/s, raw rounds \(Self.rates(rawRedisRounds)) entries/s; "
                + "median product round \(Self.note(productStdout)). "
                + "(b) medians of \(settings.stdoutRounds) alternating rounds of wrk, libcurl alone and the product; "
                + "product rounds \(Self.rates(productHTTPRounds)) events/s, median round \(Self.note(productHTTP)); "
                + "\(Self.number(Double(receivedHTTP))) requests arrived in all; "
                + "wrk ran \(settings.wrkSeconds) s per round with a \(bodyBytes)-byte body: "
                + "\(Self.rates(rawReceiverRuns)) requests/s. "
                + "libcurl alone (curl_multi keeping \(Self.connections(settings.httpConnections)) busy "
                + "with the same request, the sink's connection count) made "
                + "\(Self.rates(curlBaselineRuns)) requests/s, median \(Self.percent(ratio(curlBaseline, rawReceiver))) of wrk. "
                + "(c) medians of \(settings.stdoutRounds) alternating rounds, each on an emptied `default` stream; "
                + "product rounds \(Self.rates(productJetStreamRounds)) events/s, raw rounds \(Self.rates(rawJetStreamRounds)) messages/s. "
                + "Filling the stream took \(String(format: "%.2f", fillSeconds)) s.",
        ]
        rows += partialFailureMarkdown
        return rows.joined(separator: "\n") + "\n"
    }
}
