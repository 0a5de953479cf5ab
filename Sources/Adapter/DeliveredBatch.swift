/// What `AdapterWorker` gathers while it delivers one batch: the ids to acknowledge, and what
/// the consumer state machine needs to know about the rest.
struct DeliveredBatch {
    var acknowledged: [String: [RedisArgument]] = [:]
    var lastIDs: [String: String] = [:]
    var sinkFailed = false
    var retryAfter: Duration?
    var failures = 0
    private var leftPending = false
    private var retryIn: Duration?

    /// The entry is done with: acknowledge it, and drop any retry schedule it had.
    mutating func acknowledge(_ entry: StreamEntry, _ retries: inout DeliveryRetrySchedule) {
        acknowledged[entry.stream, default: []].append(RedisArgument(entry.id))
        retries.forget(entry)
    }

    /// The entry stays pending and is due again after `retryIn`.
    mutating func leavePending(retryIn wait: Duration) {
        leftPending = true
        retryIn = min(retryIn ?? wait, wait)
    }

    func result(entryCount: Int, delivered: Int) -> ConsumerStateMachine.BatchResult {
        ConsumerStateMachine.BatchResult(
            entryCount: lastIDs.isEmpty ? 0 : entryCount, lastIDs: lastIDs, sinkFailed: sinkFailed,
            entriesLeftPending: leftPending, retryAfter: sinkFailed ? retryAfter.flatMap { $0 > .zero ? $0 : nil } : nil,
            delivered: delivered, retryIn: retryIn)
    }
}
