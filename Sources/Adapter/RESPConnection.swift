import CHiredis

/// One conversation with Redis: commands formatted by hiredis, replies parsed by hiredis'
/// reader, bytes carried by our own transport (plain TCP or TLS). Not thread-safe: it belongs
/// to the adapter thread that created it.
final class RESPConnection {
    private let transport: ByteTransport
    private let reader: UnsafeMutablePointer<redisReader>
    private var receiveBuffer = [UInt8](repeating: 0, count: 64 * 1024)
    private(set) var isBroken = false

    init(transport: ByteTransport) {
        self.transport = transport
        reader = redisReaderCreate()
        // Keep the reader's buffer between replies instead of freeing it after every small one.
        reader.pointee.maxbuf = 1 << 20
    }

    deinit {
        redisReaderFree(reader)
        transport.close()
    }

    func close() {
        isBroken = true
        transport.close()
    }

    /// Sends one command and waits for its reply. An error reply is thrown as `.server`.
    @discardableResult
    func command(_ arguments: [RedisArgument], timeout: Duration) throws(RedisError) -> RESPValue {
        let replies = try pipeline([arguments], timeout: timeout)
        if case .error(let message) = replies[0] { throw RedisError.fromErrorReply(message) }
        return replies[0]
    }

    /// Sends one command and hands its reply, error replies included, to `decode` while it is
    /// still hiredis' reply tree; only transport failures are thrown (and end the connection).
    func rawCommand<T>(
        _ arguments: [RedisArgument], timeout: Duration,
        decode: (UnsafePointer<redisReply>) throws(RedisError) -> T
    ) throws(RedisError) -> T {
        guard !isBroken else { throw .connectionLost("connection already failed") }
        let deadline = ContinuousClock.now + timeout
        let raw: UnsafeMutableRawPointer
        do throws(RedisError) {
            var payload: [UInt8] = []
            Self.format(arguments, into: &payload)
            try payload.withUnsafeBytes { bytes in
                Result { () throws(SocketError) in try transport.send(bytes, deadline: deadline) }
            }.mapError(RedisError.init).get()
            raw = try nextReply(deadline: deadline)
        } catch {
            close()
            throw error
        }
        defer { freeReplyObject(raw) }
        return try decode(UnsafePointer(raw.assumingMemoryBound(to: redisReply.self)))
    }

    /// Sends one command and hands its reply to `decode` while it is still hiredis' reply tree,
    /// so large replies (a batch of stream entries) are copied once, straight into their final form.
    /// An error reply is thrown as `.server` and leaves the connection in step.
    func command<T>(
        _ arguments: [RedisArgument], timeout: Duration,
        decode: (UnsafePointer<redisReply>) throws(RedisError) -> T
    ) throws(RedisError) -> T {
        try rawCommand(arguments, timeout: timeout) { reply throws(RedisError) in
            if reply.pointee.type == REDIS_REPLY_ERROR, case .error(let message) = RESPValue(reply: reply) {
                throw RedisError.fromErrorReply(message)
            }
            return try decode(reply)
        }
    }

    /// Sends several commands in one write and reads all their replies; error replies are returned, not thrown.
    func pipeline(
        _ commands: [[RedisArgument]], timeout: Duration
    ) throws(RedisError) -> [RESPValue] {
        guard !isBroken else { throw .connectionLost("connection already failed") }
        let deadline = ContinuousClock.now + timeout
        do throws(RedisError) {
            var payload: [UInt8] = []
            for arguments in commands { Self.format(arguments, into: &payload) }
            try payload.withUnsafeBytes { bytes in
                Result { () throws(SocketError) in try transport.send(bytes, deadline: deadline) }
            }.mapError(RedisError.init).get()
            var replies: [RESPValue] = []
            replies.reserveCapacity(commands.count)
            while replies.count < commands.count {
                replies.append(try readReply(deadline: deadline))
            }
            return replies
        } catch {
            // A half-read reply would desynchronise every later command, so the connection is done.
            close()
            throw error
        }
    }

    private func readReply(deadline: ContinuousClock.Instant) throws(RedisError) -> RESPValue {
        let raw = try nextReply(deadline: deadline)
        defer { freeReplyObject(raw) }
        return RESPValue(reply: raw.assumingMemoryBound(to: redisReply.self))
    }

    /// The next complete reply as hiredis built it; the caller frees it with `freeReplyObject`.
    private func nextReply(deadline: ContinuousClock.Instant) throws(RedisError) -> UnsafeMutableRawPointer {
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else {
                throw .protocolError(readerError)
            }
            if let raw { return raw }
            let count = try receiveBuffer.withUnsafeMutableBytes { buffer in
                Result { () throws(SocketError) in try transport.receive(into: buffer, deadline: deadline) }
            }.mapError(RedisError.init).get()
            let fed = receiveBuffer.withUnsafeBytes { buffer in
                redisReaderFeed(reader, buffer.baseAddress!.assumingMemoryBound(to: CChar.self), count)
            }
            guard fed == REDIS_OK else { throw .protocolError(readerError) }
        }
    }

    private var readerError: String {
        withUnsafeBytes(of: reader.pointee.errstr) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    static func format(_ arguments: [RedisArgument], into payload: inout [UInt8]) {
        RedisCommandFormatter.format(arguments, into: &payload)
    }
}
