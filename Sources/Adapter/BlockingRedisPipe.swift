import CHiredis
import Dispatch
import NIOCore
import Synchronization

/// The blocking connection (TLSTransport) behind the `RedisPipe` interface, on a serial queue of
/// its own: the fallback for TLS until the non-blocking OpenSSL handler joins the NIO channel.
/// Commands run one after another on the queue, in the order sent, as Redis would answer them.
final class BlockingRedisPipe: RedisPipe {
    let eventLoop: EventLoop
    private let connection: SendableConnection
    private let queue: DispatchQueue
    private var sent = 0
    private let answered: Answered

    /// The blocking connection, only ever touched on `queue`.
    private final class SendableConnection: @unchecked Sendable {
        let value: RESPConnection
        init(_ value: RESPConnection) { self.value = value }
    }

    private final class Answered: Sendable {
        let count = Atomic<Int>(0)
    }

    private init(connection: RESPConnection, queue: DispatchQueue, eventLoop: EventLoop) {
        self.connection = SendableConnection(connection)
        self.queue = queue
        self.eventLoop = eventLoop
        answered = Answered()
    }

    /// Connects (TCP, TLS, AUTH, SELECT) on a queue of its own, never on the loop.
    static func connect(
        _ connector: RedisConnector, on loop: EventLoop, severer: ConnectionSeverer?,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> BlockingRedisPipe {
        let queue = DispatchQueue(label: "redis \(connector.address.host):\(connector.address.port)")
        let result = await withCheckedContinuation(isolation: isolation) {
            (continuation: CheckedContinuation<Result<SendableConnection, RedisError>, Never>) in
            queue.async {
                do throws(RedisError) {
                    let connection = try connector.connect(stop: StopSignal(), severer: severer)
                    continuation.resume(returning: .success(SendableConnection(connection)))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return BlockingRedisPipe(connection: try result.get().value, queue: queue, eventLoop: loop)
    }

    func send<Value: Sendable>(
        _ arguments: [RedisArgument], timeout: Duration?, errorsAsValues: Bool,
        decode: @escaping (UnsafePointer<redisReply>) throws(RedisError) -> Value
    ) -> RedisReplyTicket<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        let sequence = sent
        sent += 1
        let box = DecodeBox(decode)
        let connection = connection
        let answered = answered
        queue.async {
            defer { answered.count.add(1, ordering: .releasing) }
            do throws(RedisError) {
                try connection.value.rawCommand(arguments, timeout: timeout ?? .seconds(3600)) { reply throws(RedisError) in
                    RedisReplyCompletion.complete(promise, with: .success(reply), errorsAsValues: errorsAsValues, decode: box.decode)
                }
            } catch {
                promise.fail(error)
            }
        }
        return RedisReplyTicket(future: promise.futureResult, sequence: sequence)
    }

    /// A decoder handed to the connection's queue; it only reads the reply it is given.
    private final class DecodeBox<Value>: @unchecked Sendable {
        let decode: (UnsafePointer<redisReply>) throws(RedisError) -> Value
        init(_ decode: @escaping (UnsafePointer<redisReply>) throws(RedisError) -> Value) { self.decode = decode }
    }

    func flush() {}

    func isAnswered(_ sequence: Int) -> Bool {
        answered.count.load(ordering: .acquiring) > sequence
    }

    func close() {
        let connection = connection
        queue.async { connection.value.close() }
    }
}
