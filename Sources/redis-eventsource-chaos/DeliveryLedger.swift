import Foundation
import Synchronization

/// What the receiver was sent and how it answered: the ids it acknowledged with a 2xx (as many
/// times as they came), every request per id, and how it is told to fail.
final class DeliveryLedger: Sendable {
    private struct State {
        var accepted: [String: Int] = [:]
        var requestsByID: [String: Int] = [:]
        var requests = 0
        /// When each request arrived, in seconds since the ledger was made.
        var requestTimes: [Double] = []
        var refused = 0
        var outage = false
        var failureFraction = 0.0
        var reaction = ReceiverReaction.accept
        var reactionByID: [String: ReceiverReaction] = [:]
        var generator: SeededGenerator
    }

    private let state: Mutex<State>
    private let created = Date()

    init(seed: UInt64) {
        state = Mutex(State(generator: SeededGenerator(seed: seed)))
    }

    /// Every request gets 503 while the outage lasts.
    func setOutage(_ outage: Bool) { state.withLock { $0.outage = outage } }

    /// This fraction of requests (0...1), drawn at random, gets 503.
    func setFailureFraction(_ fraction: Double) { state.withLock { $0.failureFraction = fraction } }

    /// How every request without a reaction of its own is answered.
    func setReaction(_ reaction: ReceiverReaction) { state.withLock { $0.reaction = reaction } }

    /// How requests carrying event `id` are answered, whatever the default.
    func setReaction(_ reaction: ReceiverReaction, forID id: String) { state.withLock { $0.reactionByID[id] = reaction } }

    /// Decides the answer to one request carrying event `id`, and records an acceptance.
    func answer(id: String?) -> ReceiverReaction {
        let now = Date().timeIntervalSince(created)
        return state.withLock { state in
            state.requests += 1
            state.requestTimes.append(now)
            guard let id else {
                state.refused += 1
                return .refuse(status: 400)
            }
            state.requestsByID[id, default: 0] += 1
            var reaction = state.reactionByID[id] ?? state.reaction
            if reaction == .accept {
                let fail = state.outage
                    || (state.failureFraction > 0 && Double.random(in: 0..<1, using: &state.generator) < state.failureFraction)
                if fail { reaction = .refuse(status: 503) }
            }
            if reaction.accepts {
                state.accepted[id, default: 0] += 1
            } else {
                state.refused += 1
            }
            return reaction
        }
    }

    /// Ids accepted so far, with how many times each was.
    var accepted: [String: Int] { state.withLock { $0.accepted } }
    var requests: Int { state.withLock { $0.requests } }
    var refused: Int { state.withLock { $0.refused } }

    /// The ledger's clock: seconds since it was made, as `requestTimes` counts them.
    var now: Double { Date().timeIntervalSince(created) }

    /// Arrival times of the requests that came between `start` and `end` (ledger seconds).
    func requestTimes(from start: Double, to end: Double) -> [Double] {
        state.withLock { $0.requestTimes.filter { $0 >= start && $0 < end } }
    }
    /// Requests that carried event `id`, whatever the answer.
    func requests(forID id: String) -> Int { state.withLock { $0.requestsByID[id] ?? 0 } }
}
