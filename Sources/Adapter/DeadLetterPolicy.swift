import AdapterModel
import EventSourceAPI

/// Where an entry goes once the sink failed it `maxDeliveries` times, so that one poison entry
/// cannot stay pending for ever. Without a dead-letter stream entries are never dropped.
struct DeadLetterPolicy {
    let stream: String
    let maxDeliveries: Int
    let group: String
    /// With `cluster`: the dead-letter stream may hash to another node than the entry's streams,
    /// so it is written through the shared connection to the node serving its own slot.
    let cluster: RedisTarget?
    /// The runtime's shared connections, through which a cluster's dead-letter stream is written.
    let controlConnections: ControlConnections?

    init?(source: RedisStreamEntry) {
        guard let stream = source.deadLetterStream, let maxDeliveries = source.maxDeliveries else { return nil }
        self.stream = stream
        self.maxDeliveries = maxDeliveries
        group = source.consumerGroup
        cluster = nil
        controlConnections = nil
    }

    init?(configuration: AdapterConfiguration, controlConnections: ControlConnections) {
        guard let plain = DeadLetterPolicy(source: configuration.source) else { return nil }
        stream = plain.stream
        maxDeliveries = plain.maxDeliveries
        group = plain.group
        if case .cluster = configuration.redis.topology { cluster = configuration.redis } else { cluster = nil }
        self.controlConnections = controlConnections
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
        let command: [RedisArgument] =
            ["XADD", RedisArgument(stream), "*"] + Self.fields(of: entry, group: group, deliveries: deliveries, lastError: lastError)
        if let cluster, let controlConnections {
            // A MOVED or ASK here leaves the entry pending (a `.server` error) and makes the next try look the node up again.
            let route = RedisConnector(target: cluster, routingKey: stream, connectTimeout: .seconds(5), commandTimeout: .seconds(10))
            _ = try await controlConnections.connection(for: route).command(command, timeout: .seconds(10))
        } else {
            try await connection.command(command, timeout: .seconds(10))
        }
    }
}
