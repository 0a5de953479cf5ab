import CHiredis
import Glibc

/// One blocking hiredis connection to 127.0.0.1, owned by the single thread that made it.
///
/// Not Sendable on purpose: hiredis contexts are not thread-safe, and every bench loop that uses
/// one creates it, uses it and closes it on its own dedicated thread.
final class HiredisConnection {
    /// The raw context, for loops that must not pay for decoding replies into Swift values.
    let context: UnsafeMutablePointer<redisContext>

    init(port: Int) throws(BenchError) {
        guard let context = redisConnect("127.0.0.1", Int32(port)) else {
            throw .redis("redisConnect returned no context")
        }
        if context.pointee.err != 0 {
            let message = Self.errorText(context)
            redisFree(context)
            throw .redis("cannot connect to 127.0.0.1:\(port): \(message)")
        }
        self.context = context
    }

    deinit { redisFree(context) }

    /// Sends one command and decodes its reply; an error reply is returned, not thrown.
    func command(_ arguments: [String]) throws(BenchError) -> RedisReply {
        let raw = withArgv(arguments) { argc, argv, lengths in redisCommandArgv(context, argc, argv, lengths) }
        return try take(raw)
    }

    /// Writes every command before reading any reply, so a batch costs one round trip.
    func pipeline(_ commands: [[String]]) throws(BenchError) -> [RedisReply] {
        for arguments in commands {
            let status = withArgv(arguments) { argc, argv, lengths in redisAppendCommandArgv(context, argc, argv, lengths) }
            guard status == REDIS_OK else { throw .redis("redisAppendCommandArgv: \(Self.errorText(context))") }
        }
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands {
            var raw: UnsafeMutableRawPointer?
            guard redisGetReply(context, &raw) == REDIS_OK else { throw .redis("redisGetReply: \(Self.errorText(context))") }
            replies.append(try take(raw))
        }
        return replies
    }

    private func take(_ raw: UnsafeMutableRawPointer?) throws(BenchError) -> RedisReply {
        guard let raw else { throw .redis("connection failed: \(Self.errorText(context))") }
        defer { freeReplyObject(raw) }
        return RedisReply(raw.assumingMemoryBound(to: redisReply.self))
    }

    /// Lends hiredis C strings for the arguments for the duration of `body`.
    private func withArgv<Result>(
        _ arguments: [String],
        _ body: (Int32, UnsafeMutablePointer<UnsafePointer<CChar>?>, UnsafePointer<Int>) -> Result
    ) -> Result {
        let copies = arguments.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var argv = copies.map { UnsafePointer<CChar>($0) }
        let lengths = arguments.map { $0.utf8.count }
        return argv.withUnsafeMutableBufferPointer { argvBuffer in
            lengths.withUnsafeBufferPointer { body(Int32(arguments.count), argvBuffer.baseAddress!, $0.baseAddress!) }
        }
    }

    static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
