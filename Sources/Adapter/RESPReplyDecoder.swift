import CHiredis

/// Runs bytes that claim to be RESP replies through the same conversions the adapter applies to
/// what Redis sends: hiredis' reader, then `RESPValue`, then the XREADGROUP reply to stream
/// entries. The adapter reads through `RedisChannelPipe`; this entry point exists so the chaos
/// suite's fuzzer can feed it arbitrary bytes from outside the module.
public enum RESPReplyDecoder {
    public struct Outcome: Sendable, Equatable {
        /// Complete replies the reader produced.
        public var replies = 0
        /// Stream entries converted from replies shaped as an XREADGROUP reply.
        public var entries = 0
        /// Replies the stream-entry conversion rejected with a protocol error.
        public var rejectedAsStreamReply = 0
        /// The reader's own error (malformed framing), after which it reads nothing more.
        public var readerError: String?
    }

    public static func decode(_ bytes: [UInt8]) -> Outcome {
        var outcome = Outcome()
        guard let reader = redisReaderCreate() else { return outcome }
        defer { redisReaderFree(reader) }
        let fed = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.map { redisReaderFeed(reader, UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self), buffer.count) }
                ?? REDIS_OK
        }
        guard fed == REDIS_OK else {
            outcome.readerError = "feed failed"
            return outcome
        }
        while true {
            var raw: UnsafeMutableRawPointer?
            guard redisReaderGetReply(reader, &raw) == REDIS_OK else {
                outcome.readerError = withUnsafeBytes(of: reader.pointee.errstr) { errorText in
                    String(decoding: errorText.prefix { $0 != 0 }, as: UTF8.self)
                }
                return outcome
            }
            guard let raw else { return outcome }
            defer { freeReplyObject(raw) }
            let reply = UnsafePointer(raw.assumingMemoryBound(to: redisReply.self))
            outcome.replies += 1
            _ = RESPValue(reply: reply)
            do {
                outcome.entries += try StreamEntry.parseReadReply(reply).count
            } catch {
                outcome.rejectedAsStreamReply += 1
            }
        }
    }
}
