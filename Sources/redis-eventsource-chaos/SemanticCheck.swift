/// One of issue 19's delivery rules as a scenario checks it: what the rule expects, what the run
/// showed, and whether that held. A rule that did not hold is a finding for the report, not a
/// failure of the runner.
struct SemanticCheck: Sendable {
    /// The rule, in the words of issue 19's "Delivery semantics" list.
    let expectation: String
    let observed: String
    let held: Bool
}

extension ScenarioOutcome {
    mutating func check(_ expectation: String, held: Bool, observed: String) {
        checks.append(SemanticCheck(expectation: expectation, observed: observed, held: held))
    }
}

/// Issue 19's delivery rules, worded once for every scenario that checks them.
enum DeliveryRule {
    static let poisonOnlyWhileOthersFlow =
        "an entry is poison only when it fails while the sink takes others"
    static let refuseAllHolds =
        "a refuse-all sink makes the adapter hold and back off, and never dead-letter"
    static let perEntryRejection =
        "a per-entry permanent rejection leaves that entry pending or dead-lettered, and the rest flow"
    static let twoHundredIsDelivered =
        "a 2xx status line counts as delivered after a small bounded body read"
    static let failingPhaseInTime =
        "the phase says the sink is failing (Retrying, readyz not ready) within one request timeout (30 s)"
    static let deadLetterWriteFailure =
        "a failed dead-letter write keeps the entry pending with an honest attempt count, and does not look like a lost Redis connection"
}
