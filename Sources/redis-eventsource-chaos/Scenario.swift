/// One scripted fault scenario: `body` sets the scene in a fresh session (its own redis-server
/// and receiver), injects the faults, and says which events must reach the sink.
struct Scenario: Sendable {
    let name: String
    let summary: String
    let body: @Sendable (ScenarioSession) throws -> ScenarioOutcome
}

/// What a scenario's body hands back for counting.
struct ScenarioOutcome {
    /// Every event that must reach the sink, by the product's deterministic id.
    var expected: [ExpectedEvent]
    /// Seconds from the product's start until the last expected event arrived or the deadline;
    /// with `expected.count` this gives the scenario's throughput.
    var deliverySeconds: Double?
    var notes: [String] = []
    /// Issue 19's delivery rules this scenario checked, each held or not.
    var checks: [SemanticCheck] = []
    /// Event ids the sink took, with how often, when the sink is not the HTTP receiver (the
    /// JetStream stream, read back); nil counts the receiver's ledger.
    var acceptedBySink: [String: Int]? = nil
}

/// An entry the producer put in Redis and the event id the product must give it.
struct ExpectedEvent: Hashable {
    let stream: String
    let entryID: String
    let eventID: String
    let group: String
}
