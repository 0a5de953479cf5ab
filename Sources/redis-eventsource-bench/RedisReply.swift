import CHiredis

/// A hiredis reply copied into Swift values, for the bench's bookkeeping commands.
enum RedisReply: Equatable {
    case string(String)
    case status(String)
    case error(String)
    case integer(Int64)
    case array([RedisReply])
    case null

    init(_ reply: UnsafeMutablePointer<redisReply>) {
        let value = reply.pointee
        func text() -> String {
            guard let pointer = value.str else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: pointer, count: value.len), as: UTF8.self)
        }
        switch value.type {
        case REDIS_REPLY_STRING: self = .string(text())
        case REDIS_REPLY_STATUS: self = .status(text())
        case REDIS_REPLY_ERROR: self = .error(text())
        case REDIS_REPLY_INTEGER: self = .integer(value.integer)
        case REDIS_REPLY_ARRAY:
            self = .array((0..<value.elements).map { RedisReply(value.element[$0]!) })
        default: self = .null
        }
    }

    var array: [RedisReply]? {
        if case .array(let items) = self { return items }
        return nil
    }

    var text: String? {
        switch self {
        case .string(let text), .status(let text): return text
        default: return nil
        }
    }

    var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// Throws an error reply as a bench failure naming the command.
    func checked(_ what: String) throws(BenchError) -> RedisReply {
        if case .error(let message) = self { throw .redis("\(what): \(message)") }
        return self
    }
}
