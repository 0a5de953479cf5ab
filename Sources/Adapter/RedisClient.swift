import AdapterModel
import EventSourceAPI
import NIOCore
import Sinks

/// A small blocking face on the adapters' own non-blocking connection (`RedisConnector`,
/// `RedisChannelPipe`), for tools and tests: the bench's bookkeeping, the chaos runner, test
/// fixtures. The I/O runs on an event loop; the calling thread only waits for it, so call it from a
/// dedicated thread or queue, never from an event loop or Swift's cooperative pool.
public final class RedisClient: Sendable {
    /// The connection, touched only on its event loop.
    private let pipe: NIOLoopBound<any RedisPipe>
    private let loop: EventLoop
    public let timeout: Duration

    /// Connects and authenticates (AUTH, SELECT) like an adapter does. `eventLoops` carries the
    /// I/O: tests pass their runtime's, tools a group of their own (the product keeps no global one).
    public init(
        address: HostAddress, db: Int = 0, username: String? = nil, password: String? = nil, tls: TLSMaterial? = nil,
        timeout: Duration = .seconds(10), eventLoops: any EventLoopGroup
    ) throws(RedisError) {
        let connector = RedisConnector(
            address: address, db: db, username: username, password: password.map { SecretValue($0) }, tls: tls,
            connectTimeout: timeout, commandTimeout: timeout)
        let loop = eventLoops.next()
        let opened = loop.makePromise(of: NIOLoopBound<any RedisPipe>.self)
        // Opening is async and belongs on the connection's loop: an actor on that loop runs it.
        let isolation = EventLoopIsolation(loop: loop)
        Task {
            await isolation.run { isolation in
                do throws(RedisError) {
                    let pipe = try await connector.open(on: loop)
                    opened.succeed(NIOLoopBound(pipe, eventLoop: loop))
                } catch {
                    opened.fail(error)
                }
            }
        }
        pipe = try Self.wait(for: opened.futureResult)
        self.loop = loop
        self.timeout = timeout
    }

    deinit { close() }

    /// Sends one command; an error reply is thrown as `RedisError.server`.
    @discardableResult
    public func command(_ arguments: [RedisArgument]) throws(RedisError) -> RESPValue {
        try Self.wait(for: loop.flatSubmit { [pipe, timeout] in
            let ticket = pipe.value.sendValue(arguments, timeout: timeout)
            pipe.value.flush()
            return ticket.future
        })
    }

    @discardableResult
    public func command(_ arguments: String...) throws(RedisError) -> RESPValue {
        try command(arguments.map { RedisArgument($0) })
    }

    /// Sends commands in one write and returns every reply, error replies included.
    public func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RESPValue] {
        try Self.wait(for: loop.flatSubmit { [pipe, timeout, loop] in
            let tickets = commands.map { pipe.value.sendValue($0, timeout: timeout, errorsAsValues: true) }
            pipe.value.flush()
            return EventLoopFuture.whenAllSucceed(tickets.map(\.future), on: loop)
        })
    }

    public func close() {
        loop.execute { [pipe] in pipe.value.close() }
    }

    private static func wait<Value: Sendable>(for future: EventLoopFuture<Value>) throws(RedisError) -> Value {
        do {
            return try future.wait()
        } catch {
            throw (error as? RedisError) ?? .connectionLost("\(error)")
        }
    }
}
