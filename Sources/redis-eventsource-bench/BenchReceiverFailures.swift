import Synchronization

/// How often the bench receiver answers 503 Service Unavailable instead of 200, chosen at random
/// per request: the partly failing sink of issue 13. Set between phases; read by the event loops.
final class BenchReceiverFailures: Sendable {
    private let permille = Atomic<Int>(0)
    private let answered = Atomic<Int>(0)

    /// 0 to 1; 0.3 fails about 30 % of requests.
    func setRate(_ rate: Double) {
        permille.store(Int((min(1, max(0, rate)) * 1000).rounded()), ordering: .relaxed)
    }

    /// Whether this request gets a 503; counts it when so.
    func failsNext() -> Bool {
        let rate = permille.load(ordering: .relaxed)
        guard rate > 0, Int.random(in: 0..<1000) < rate else { return false }
        answered.add(1, ordering: .relaxed)
        return true
    }

    /// 503s answered so far.
    var count: Int { answered.load(ordering: .relaxed) }
}
