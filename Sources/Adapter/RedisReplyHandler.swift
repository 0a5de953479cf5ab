import CHiredis
import NIOCore

/// The Redis end of an adapter's NIO channel: bytes that arrive are fed to hiredis' reader, and
/// each complete reply goes to the oldest waiting command, in the order the commands were
/// written — which is what lets many commands share the wire without waiting for each other.
///
/// The reply is handed over while it is still hiredis' reply tree, so a batch of stream entries
/// is decoded straight into its final form. Confined to its channel's event loop.
final class RedisReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Completes one command: called exactly once, on the loop, with the reply or why none comes.
    typealias Waiter = (Result<UnsafePointer<redisReply>, RedisError>) -> Void

    private let reader: UnsafeMutablePointer<redisReader>
    private var waiters = CircularBuffer<Waiter>()
    /// When each waiting command's reply is due, in the same order. One timer watches the oldest
    /// (later ones cannot be answered before it), so a busy connection does not pile up timers.
    private var deadlines = CircularBuffer<NIODeadline>()
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// Once set, the connection is done: every later command fails with it at once.
    private var failure: RedisError?
    /// Commands written so far, and replies handed out so far: command `n` is answered once `answered > n`.
    private(set) var written = 0
    private(set) var answered = 0

    init() {
        reader = redisReaderCreate()
        // Keep the reader's buffer between replies instead of freeing it after every small one.
        reader.pointee.maxbuf = 1 << 20
    }

    deinit {
        redisReaderFree(reader)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        fail(.connectionLost("the connection was closed"))
    }

    /// Writes already formatted commands (not flushed) and queues one waiter per command; returns
    /// the sequence number of the last one. `deadline` bounds the wait for each of their replies.
    func write(_ payload: ByteBuffer, waiters added: [Waiter], deadline: NIODeadline) -> Int {
        if let failure {
            for waiter in added { waiter(.failure(failure)) }
            return written - 1
        }
        guard let context else {
            for waiter in added { waiter(.failure(.connectionLost("not connected"))) }
            return written - 1
        }
        waiters.append(contentsOf: added)
        for _ in added { deadlines.append(deadline) }
        written += added.count
        context.write(wrapOutboundOut(payload), promise: nil)
        if timer == nil { armTimer(context) }
        return written - 1
    }

    private func armTimer(_ context: ChannelHandlerContext) {
        guard let due = deadlines.first else { return }
        let handler = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(deadline: due) {
            handler.value.timerFired()
        }
    }

    func flush() {
        context?.flush()
    }

    func close() {
        fail(.cancelled)
        context?.close(promise: nil)
    }

    private func timerFired() {
        timer = nil
        guard failure == nil, let context, let due = deadlines.first else { return }
        guard due <= .now() else { return armTimer(context) }
        // A half-answered conversation cannot be resumed: the connection is done.
        fail(.timedOut("no reply in time"))
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let fed = buffer.withUnsafeReadableBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress else { return REDIS_OK }
            return redisReaderFeed(reader, base.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard fed == REDIS_OK else { return protocolFailure(context) }
        while failure == nil {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else { return protocolFailure(context) }
            guard let raw else { return }
            defer { freeReplyObject(raw) }
            guard let waiter = waiters.popFirst() else {
                // A reply nobody asked for: the conversation is out of step.
                fail(.protocolError("an unexpected reply"))
                context.close(promise: nil)
                return
            }
            answered += 1
            deadlines.removeFirst()
            waiter(.success(UnsafePointer(raw.assumingMemoryBound(to: redisReply.self))))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionLost("Redis closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        switch error {
        case let error as RedisError: fail(error)
        case let error as SocketError: fail(RedisError(error))
        default: fail(.connectionLost("\(error)"))
        }
        context.close(promise: nil)
    }

    private func protocolFailure(_ context: ChannelHandlerContext) {
        let message = withUnsafeBytes(of: reader.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        fail(.protocolError(message))
        context.close(promise: nil)
    }

    /// Fails every waiting command, oldest first, and every later one.
    private func fail(_ error: RedisError) {
        if failure == nil { failure = error }
        timer?.cancel()
        timer = nil
        deadlines.removeAll()
        while let waiter = waiters.popFirst() {
            answered += 1
            waiter(.failure(failure ?? error))
        }
    }
}
