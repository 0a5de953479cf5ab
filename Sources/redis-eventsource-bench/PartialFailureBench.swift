import Foundation

/// Issue 13's partly failing sink: the HTTP figure again, with the receiver answering 503 to a
/// random 5 %, 10 % and 30 % of requests, against a healthy run of the same size in the same run.
/// Each run drains a group of its own on one stream, so every figure covers the same entries.
struct PartialFailureFigure: Sendable {
    let failureRate: Double
    let throughput: ThroughputFigure
    /// 503s the receiver answered, and all requests that arrived, during the run.
    let failures: Int
    let requests: Int
    /// 1-based; the healthy run of the same round is the one to compare with.
    var round = 1
    /// /proc/loadavg's 1-minute figure when the run ended.
    var loadAverage: Double?

    /// What issue 13 asks of a run with this failure rate, as a share of the healthy figure.
    var target: Double { (1 - failureRate) * 0.5 }

    func ratio(toHealthy healthy: PartialFailureFigure?) -> Double? {
        guard let healthy, healthy.throughput.rate > 0 else { return nil }
        return throughput.rate / healthy.throughput.rate
    }
}

extension BenchRun {
    static let partialStream = "partial"

    static func partialGroup(_ rate: Double, round: Int = 1) -> String {
        "partial-\(Int((rate * 100).rounded()))" + (round > 1 ? "-r\(round)" : "")
    }

    /// `--partial-only`: this figure alone, for a quick look at the HTTP sink's window.
    func runPartialFailuresOnly() async throws -> BenchResults {
        var results = BenchResults(settings: settings)
        let receiver = try await BenchReceiver.start(threads: 1)
        do {
            results.partialFailures = try await measurePartialFailures(receiver: receiver)
        } catch {
            await receiver.stop()
            throw error
        }
        await receiver.stop()
        return results
    }

    func measurePartialFailures(receiver: BenchReceiver) async throws -> [PartialFailureFigure] {
        let rates = [0] + settings.failureRates
        let rounds = max(1, settings.partialRounds)
        let (port, stream, entries) = (redisPort, Self.partialStream, settings.partialEntries)
        Console.error("bench: (c) filling stream \(stream) with \(entries) entries")
        try await BlockingWork.run("bench-partial-fill") { () throws(BenchError) in
            let connection = try BenchRedis(port: port)
            try StreamFiller(stream: stream, count: entries).fill(connection)
            for round in 1...rounds {
                for rate in rates {
                    try connection.command(["XGROUP", "CREATE", stream, Self.partialGroup(rate, round: round), "0"])
                }
            }
        }
        var figures: [PartialFailureFigure] = []
        defer { receiver.failures.setRate(0) }
        for round in 1...rounds {
            for rate in rates {
                figures.append(try await measurePartialFailure(rate: rate, round: round, of: rounds, receiver: receiver))
            }
        }
        return figures
    }

    private func measurePartialFailure(rate: Double, round: Int, of rounds: Int, receiver: BenchReceiver) async throws
        -> PartialFailureFigure
    {
        let group = Self.partialGroup(rate, round: round)
        Console.error(
            "bench: (c) round \(round)/\(rounds) product: HTTP sink, receiver answering 503 to \(Int(rate * 100))% of requests, group \(group)")
        receiver.failures.setRate(rate)
        let (requestsBefore, failuresBefore) = (receiver.tally.requestCount, receiver.failures.count)
        let figure = try await measureProduct(label: group, group: group, sink: receiver.url, stream: Self.partialStream)
        let result = PartialFailureFigure(
            failureRate: rate, throughput: figure, failures: receiver.failures.count - failuresBefore,
            requests: receiver.tally.requestCount - requestsBefore, round: round, loadAverage: Self.loadAverage())
        Console.error("bench: (c) \(Int(rate * 100))%: \(Int(figure.rate)) events/s, \(result.failures) 503s of \(result.requests) requests")
        return result
    }
}

extension BenchRun {
    /// The 1-minute load average, so a round run on a busier machine shows as such.
    static func loadAverage() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let first = text.split(separator: " ").first
        else { return nil }
        return Double(first)
    }
}
