/// The counts of one scenario, by event id.
struct ScenarioResult {
    let name: String
    let summary: String
    var produced = 0
    /// Expected events the receiver accepted at least once.
    var delivered = 0
    /// Expected events never accepted whose entry is no longer waiting in Redis: acknowledged,
    /// deleted or never read, and gone.
    var lost = 0
    /// Expected events not accepted by the deadline whose entry still waits in Redis (pending
    /// in the group, or not yet read): late, not lost, but a stall.
    var stuck = 0
    /// Acceptances beyond the first for the same id (at-least-once redelivery).
    var duplicates = 0
    /// Accepted ids that match no expected event (a filtered entry that went through, say).
    var unexpected = 0
    var eventsPerSecond: Double?
    var notes: [String] = []
    var checks: [SemanticCheck] = []
    /// Set when the scenario could not run at all.
    var failure: String?

    var oneLine: String {
        if let failure { return "did not run: \(failure)" }
        var line = "produced \(produced), delivered \(delivered), lost \(lost), stuck \(stuck), duplicates \(duplicates)"
        if unexpected > 0 { line += ", unexpected \(unexpected)" }
        if let eventsPerSecond { line += ", \(Int(eventsPerSecond.rounded())) events/s" }
        if !notes.isEmpty { line += "; " + notes.joined(separator: "; ") }
        for check in checks {
            line += "\n    \(check.held ? "held" : "NOT HELD"): \(check.expectation) — observed: \(check.observed)"
        }
        return line
    }
}
