import CHiredis
import Glibc

/// One blocking hiredis context to 127.0.0.1, for the raw baseline loop only: it must pay for
/// nothing but hiredis' own C calls. Everything else talks to Redis through `BenchRedis`.
///
/// Not Sendable on purpose: hiredis contexts are not thread-safe, and the raw loop creates it,
/// uses it and closes it on its own dedicated thread.
final class HiredisConnection {
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

    static func errorText(_ context: UnsafeMutablePointer<redisContext>) -> String {
        withUnsafeBytes(of: context.pointee.errstr) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// An error reply's message.
    static func replyText(_ reply: UnsafeMutablePointer<redisReply>) -> String {
        guard let text = reply.pointee.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: text, count: reply.pointee.len), as: UTF8.self)
    }
}
