import EventSourceAPI

/// Where an entry goes once the sink failed it `maxDeliveries` times, so that one poison entry
/// cannot stay pending for ever. Without a dead-letter stream entries are never dropped.
struct DeadLetterPolicy {
    let stream: String
    let maxDeliveries: Int
    let group: String

    init?(source: RedisStreamEntry) {
        guard let stream = source.deadLetterStream, let maxDeliveries = source.maxDeliveries else { return nil }
        self.stream = stream
        self.maxDeliveries = maxDeliveries
        group = source.consumerGroup
    }

    func isExhausted(_ deliveries: Int) -> Bool {
        deliveries >= maxDeliveries
    }

    /// The original fields, then `dlq_*` fields naming where the entry came from and why it failed.
    static func fields(of entry: StreamEntry, group: String, deliveries: Int, lastError: String) -> [RedisArgument] {
        var arguments: [RedisArgument] = []
        for field in entry.fields ?? [] {
            arguments.append(RedisArgument(bytes: field.name))
            arguments.append(RedisArgument(bytes: field.value))
        }
        arguments += [
            "dlq_source_stream", RedisArgument(entry.stream),
            "dlq_message_id", RedisArgument(entry.id),
            "dlq_consumer_group", RedisArgument(group),
            "dlq_delivery_count", RedisArgument(deliveries),
            "dlq_last_error", RedisArgument(lastError),
        ]
        return arguments
    }

    func write(
        _ entry: StreamEntry, deliveries: Int, lastError: String, over connection: any RedisPipe,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) {
        try await connection.command(
            ["XADD", RedisArgument(stream), "*"]
                + Self.fields(of: entry, group: group, deliveries: deliveries, lastError: lastError),
            timeout: .seconds(10))
    }
}
