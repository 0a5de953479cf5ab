import Synchronization

/// What the receiver was sent and how it answered: the ids it acknowledged with 200 (as many
/// times as they came), and how it is told to fail.
final class DeliveryLedger: Sendable {
    private struct State {
        var accepted: [String: Int] = [:]
        var requests = 0
        var refused = 0
        var outage = false
        var failureFraction = 0.0
        var generator: SeededGenerator
    }

    private let state: Mutex<State>

    init(seed: UInt64) {
        state = Mutex(State(generator: SeededGenerator(seed: seed)))
    }

    /// Every request gets 503 while the outage lasts.
    func setOutage(_ outage: Bool) { state.withLock { $0.outage = outage } }

    /// This fraction of requests (0...1), drawn at random, gets 503.
    func setFailureFraction(_ fraction: Double) { state.withLock { $0.failureFraction = fraction } }

    /// Decides the answer to one request carrying event `id`, and records an acceptance.
    func answer(id: String?) -> Bool {
        state.withLock { state in
            state.requests += 1
            let fail = state.outage
                || (state.failureFraction > 0 && Double.random(in: 0..<1, using: &state.generator) < state.failureFraction)
            if fail || id == nil {
                state.refused += 1
                return false
            }
            state.accepted[id!, default: 0] += 1
            return true
        }
    }

    /// Ids accepted so far, with how many times each was.
    var accepted: [String: Int] { state.withLock { $0.accepted } }
    var requests: Int { state.withLock { $0.requests } }
    var refused: Int { state.withLock { $0.refused } }
}
