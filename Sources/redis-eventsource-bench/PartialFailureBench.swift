/// Issue 13's partly failing sink: the HTTP figure again, with the receiver answering 503 to a
/// random 5 %, 10 % and 30 % of requests, against a healthy run of the same size in the same run.
/// Each run drains a group of its own on one stream, so every figure covers the same entries.
struct PartialFailureFigure: Sendable {
    let failureRate: Double
    let throughput: ThroughputFigure
    /// 503s the receiver answered, and all requests that arrived, during the run.
    let failures: Int
    let requests: Int

    /// What issue 13 asks of a run with this failure rate, as a share of the healthy figure.
    var target: Double { (1 - failureRate) * 0.5 }

    func ratio(toHealthy healthy: PartialFailureFigure?) -> Double? {
        guard let healthy, healthy.throughput.rate > 0 else { return nil }
        return throughput.rate / healthy.throughput.rate
    }
}

extension BenchRun {
    static let partialStream = "partial"

    static func partialGroup(_ rate: Double) -> String { "partial-\(Int((rate * 100).rounded()))" }

    func measurePartialFailures(receiver: BenchReceiver) async throws -> [PartialFailureFigure] {
        let rates = [0] + settings.failureRates
        let (port, stream, entries) = (redisPort, Self.partialStream, settings.partialEntries)
        Console.error("bench: (c) filling stream \(stream) with \(entries) entries")
        try await BlockingWork.run("bench-partial-fill") { () throws(BenchError) in
            let connection = try BenchRedis(port: port)
            try StreamFiller(stream: stream, count: entries).fill(connection)
            for rate in rates {
                let group = Self.partialGroup(rate)
                try connection.command(["XGROUP", "CREATE", stream, group, "0"])
            }
        }
        var figures: [PartialFailureFigure] = []
        defer { receiver.failures.setRate(0) }
        for rate in rates {
            let group = Self.partialGroup(rate)
            Console.error("bench: (c) product: HTTP sink, receiver answering 503 to \(Int(rate * 100))% of requests, group \(group)")
            receiver.failures.setRate(rate)
            let (requestsBefore, failuresBefore) = (receiver.tally.requestCount, receiver.failures.count)
            let figure = try await measureProduct(label: group, group: group, sink: receiver.url, stream: stream)
            let result = PartialFailureFigure(
                failureRate: rate, throughput: figure, failures: receiver.failures.count - failuresBefore,
                requests: receiver.tally.requestCount - requestsBefore)
            Console.error("bench: (c) \(Int(rate * 100))%: \(Int(figure.rate)) events/s, \(result.failures) 503s of \(result.requests) requests")
            figures.append(result)
        }
        return figures
    }
}
