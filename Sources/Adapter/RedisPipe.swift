import CHiredis
import NIOCore

/// A reply that will come: commands are written now and answered in order, so an adapter can
/// put several on the wire (an XACK and the next read) and collect each reply when it needs it.
struct RedisReplyTicket<Value: Sendable>: Sendable {
    let future: EventLoopFuture<Value>
    /// The command's place on its connection, to tell whether its reply is already in.
    let sequence: Int
}

/// One conversation with Redis that does not block its caller: a NIO channel (`RedisChannelPipe`).
/// Used only from its event loop (an adapter's actor runs there).
protocol RedisPipe: AnyObject {
    var eventLoop: EventLoop { get }
    /// Queues a command without flushing. `decode` runs on the loop while hiredis' reply tree is
    /// alive; an error reply fails the ticket with `.server` unless `errorsAsValues`.
    func send<Value: Sendable>(
        _ arguments: [RedisArgument], timeout: Duration?, errorsAsValues: Bool,
        decode: @escaping (UnsafePointer<redisReply>) throws(RedisError) -> Value
    ) -> RedisReplyTicket<Value>
    func flush()
    func isAnswered(_ sequence: Int) -> Bool
    func close()
}

extension RedisPipe {
    /// Waits for a reply, flushing first when it is not in yet (so everything queued goes out in one write).
    func reply<Value: Sendable>(
        _ ticket: RedisReplyTicket<Value>, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> Value {
        if !isAnswered(ticket.sequence) { flush() }
        let result = await withCheckedContinuation(isolation: isolation) {
            (continuation: CheckedContinuation<Result<Value, RedisError>, Never>) in
            ticket.future.whenComplete { result in
                continuation.resume(returning: result.mapError { ($0 as? RedisError) ?? .connectionLost("\($0)") })
            }
        }
        return try result.get()
    }

    func sendValue(_ arguments: [RedisArgument], timeout: Duration?, errorsAsValues: Bool = false) -> RedisReplyTicket<RESPValue> {
        send(arguments, timeout: timeout, errorsAsValues: errorsAsValues) { reply throws(RedisError) in RESPValue(reply: reply) }
    }

    /// One command and its reply; an error reply is thrown as `.server`.
    @discardableResult
    func command(
        _ arguments: [RedisArgument], timeout: Duration?, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> RESPValue {
        try await reply(sendValue(arguments, timeout: timeout))
    }

    /// Several commands in one write; error replies are returned, not thrown.
    func pipeline(
        _ commands: [[RedisArgument]], timeout: Duration?, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> [RESPValue] {
        let tickets = commands.map { sendValue($0, timeout: timeout, errorsAsValues: true) }
        var replies: [RESPValue] = []
        replies.reserveCapacity(tickets.count)
        for ticket in tickets { replies.append(try await reply(ticket)) }
        return replies
    }
}

/// Completes a ticket's promise from a reply, on the loop, while the reply tree is alive.
enum RedisReplyCompletion {
    static func complete<Value: Sendable>(
        _ promise: EventLoopPromise<Value>, with result: Result<UnsafePointer<redisReply>, RedisError>,
        errorsAsValues: Bool, decode: (UnsafePointer<redisReply>) throws(RedisError) -> Value
    ) {
        switch result {
        case .failure(let error): promise.fail(error)
        case .success(let reply):
            if !errorsAsValues, reply.pointee.type == REDIS_REPLY_ERROR, case .error(let message) = RESPValue(reply: reply) {
                promise.fail(RedisError.fromErrorReply(message))
                return
            }
            do throws(RedisError) {
                promise.succeed(try decode(reply))
            } catch {
                promise.fail(error)
            }
        }
    }
}

extension Duration {
    var timeAmount: TimeAmount {
        .nanoseconds(components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000)
    }
}
