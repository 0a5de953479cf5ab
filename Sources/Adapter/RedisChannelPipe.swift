import CHiredis
import EventSourceAPI
import NIOCore
import NIOPosix

/// A Redis connection on a NIO channel: non-blocking, on one of the shared event loops.
final class RedisChannelPipe: RedisPipe {
    let channel: Channel
    private let handler: RedisReplyHandler
    var eventLoop: EventLoop { channel.eventLoop }

    /// Call on the channel's event loop.
    init(channel: Channel) throws {
        self.channel = channel
        handler = try channel.pipeline.syncOperations.handler(type: RedisReplyHandler.self)
    }

    /// Connects on `loop`. With `tls`, a non-blocking OpenSSL session goes in front of the Redis
    /// handler; commands written before its handshake ends are held and sent right after it.
    static func connect(
        host: String, port: Int, on loop: EventLoop, timeout: Duration, tls: TLSClientContext?,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> RedisChannelPipe {
        try await connect(to: .tcp(HostAddress(host: host, port: port)), on: loop, timeout: timeout, tls: tls)
    }

    /// Connects to a TCP address or a Unix socket (go-redis dials a socket for a path starting with '/').
    static func connect(
        to address: RedisServerAddress, on loop: EventLoop, timeout: Duration, tls: TLSClientContext?,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> RedisChannelPipe {
        let handshakeDeadline = NIODeadline.now() + timeout.timeAmount
        // A socket has no host name to verify; a certificate for localhost is what such a server would have.
        let serverName = address.host ?? "localhost"
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(timeout.timeAmount)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            OpenSSLClientHandler(context: tls, serverName: serverName, handshakeDeadline: handshakeDeadline))
                    }
                    try channel.pipeline.syncOperations.addHandler(RedisReplyHandler())
                }
            }
        if case .tcp = address { bootstrap = bootstrap.channelOption(.socketOption(.tcp_nodelay), value: 1) }
        let connected = await withCheckedContinuation(isolation: isolation) {
            (continuation: CheckedContinuation<Result<NIOLoopBound<RedisChannelPipe>, any Error>, Never>) in
            let future: EventLoopFuture<Channel>
            switch address {
            case .tcp(let hostAddress): future = bootstrap.connect(host: hostAddress.host, port: hostAddress.port)
            case .unix(let path): future = bootstrap.connect(unixDomainSocketPath: path)
            }
            // The pipe takes hold of its handler in the very tick the connect completes: by the time
            // the caller resumes, a server that hung up (a failed TLS handshake) may have closed the
            // channel and removed the handler, and the reason would be lost with it.
            future.flatMapThrowing { channel in
                do {
                    return NIOLoopBound(try RedisChannelPipe(channel: channel), eventLoop: channel.eventLoop)
                } catch {
                    channel.close(promise: nil)
                    throw PipeSetupFailure(underlying: error)
                }
            }.whenComplete { continuation.resume(returning: $0) }
        }
        switch connected {
        case .success(let pipe):
            return pipe.value
        case .failure(let error as PipeSetupFailure):
            throw .connectFailed("\(error.underlying)")
        case .failure(let error as NIOConnectionError):
            // Worded as users read it: "127.0.0.1:6379: Connection refused", not NIO's IOError text.
            let reasons = Set(error.connectionErrors.map { SocketError.reason(for: $0.error) }).sorted()
            throw .connectFailed("\(address): " + (reasons.isEmpty ? "\(error)" : reasons.joined(separator: "; ")))
        case .failure(let error as SocketError):
            throw RedisError(error)
        case .failure(ChannelError.connectTimeout):
            throw .connectFailed("\(address): no connection within \(timeout)")
        case .failure(let error):
            throw .connectFailed("\(address): \(SocketError.reason(for: error))")
        }
    }

    private struct PipeSetupFailure: Error {
        let underlying: any Error
    }

    func send<Value: Sendable>(
        _ arguments: [RedisArgument], timeout: Duration?, errorsAsValues: Bool,
        decode: @escaping (UnsafePointer<redisReply>) throws(RedisError) -> Value
    ) -> RedisReplyTicket<Value> {
        let promise = eventLoop.makePromise(of: Value.self)
        var payload = channel.allocator.buffer(capacity: 64)
        RedisCommandFormatter.format(arguments, into: &payload)
        let waiter: RedisReplyHandler.Waiter = { result in
            RedisReplyCompletion.complete(promise, with: result, errorsAsValues: errorsAsValues, decode: decode)
        }
        let sequence = handler.write(payload, waiters: [waiter], deadline: .now() + (timeout ?? .seconds(3600)).timeAmount)
        return RedisReplyTicket(future: promise.futureResult, sequence: sequence)
    }

    func flush() {
        handler.flush()
    }

    /// Waits for the next message the server sends unasked (after SUBSCRIBE): writes nothing and
    /// queues a waiter for the next reply. No reply within `timeout` ends the connection.
    /// Call on the channel's event loop.
    func nextMessage(timeout: Duration, isolation: isolated (any Actor)? = #isolation) async throws(RedisError) -> RESPValue {
        let promise = eventLoop.makePromise(of: RESPValue.self)
        let waiter: RedisReplyHandler.Waiter = { result in
            RedisReplyCompletion.complete(promise, with: result, errorsAsValues: false) { reply throws(RedisError) in
                RESPValue(reply: reply)
            }
        }
        let sequence = handler.write(channel.allocator.buffer(capacity: 0), waiters: [waiter], deadline: .now() + timeout.timeAmount)
        return try await reply(RedisReplyTicket(future: promise.futureResult, sequence: sequence))
    }

    func isAnswered(_ sequence: Int) -> Bool {
        handler.answered > sequence
    }

    func close() {
        handler.close()
    }
}
