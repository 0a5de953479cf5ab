/// The sharded figures with issue 20's aims, for the summary table and BENCHMARKS.md.
extension ShardedScaleRun.Result {
    private var label: String { "sharded: \(ScaleResults.count(size)) EventSources" }

    private func within(_ share: Int?, of parts: Int) -> Bool {
        guard let share else { return false }
        let fair = Double(size) / Double(parts)
        return abs(Double(share) - fair) <= fair * ShardedScaleRun.shareTolerance
    }

    private func describe(_ shares: [String: Int]) -> String {
        shares.keys.sorted().map { "\($0) \(shares[$0]!)" }.joined(separator: ", ")
    }

    var summaryRows: [SummaryRow] {
        let scaledNote = size < 30_000 ? " (aim set at 30,000; this machine runs \(ScaleResults.count(size)))" : ""
        var rows = [
            SummaryRow(
                figure: "\(label), 3 replicas: all Ready with one owner\(scaledNote)",
                measured: allReadySeconds.map { ScaleResults.seconds($0) } ?? (readyFailure ?? "not Ready"),
                aim: "≤ \(Int(ShardedScaleRun.readyAim)) s", met: allReadySeconds.map { $0 <= ShardedScaleRun.readyAim } ?? false),
            SummaryRow(
                figure: "\(label): each of 3 replicas runs 1/3", measured: shares.isEmpty ? "not measured" : describe(shares),
                aim: "1/3 ± 10% each", met: shares.isEmpty ? nil : shares.count == 3 && shares.values.allSatisfy { within($0, of: 3) }),
        ]
        let joinMeasured = joinSeconds.map { "\(ScaleResults.seconds($0)): \(describe(joinShares))" } ?? "not settled"
        rows.append(
            SummaryRow(
                figure: "\(label): a 4th replica joins and owns 1/4", measured: allReadySeconds == nil ? "not measured" : joinMeasured,
                aim: "1/4 ± 10% within \(Int(ShardedScaleRun.joinAim)) s",
                met: allReadySeconds == nil
                    ? nil : (joinSeconds.map { $0 <= ShardedScaleRun.joinAim } ?? false) && within(joinShares["shard-d"], of: 4)))
        let failoverAim = ShardedScaleRun.leaseSeconds + 5
        rows.append(
            SummaryRow(
                figure: "sharded failover: kill -9 of \(killed.isEmpty ? "one" : killed) of 3, entries on every stream",
                measured: failoverSeconds.map {
                    "elsewhere after \(ScaleResults.seconds($0)); \(entriesNotDelivered.map { "\($0) of \(entriesAdded) entries not delivered" } ?? "delivery not checked")"
                } ?? "not measured",
                aim: "≤ \(Int(failoverAim)) s (Lease duration + 5 s), 0 lost",
                met: failoverSeconds.map { $0 <= failoverAim && entriesNotDelivered == 0 }))
        return rows
    }
}
