import CHiredis

/// A Redis reply, copied out of hiredis' reply tree into Swift values. Bulk strings stay bytes:
/// stream fields are binary-safe and may hold anything.
public enum RESPValue: Sendable, Equatable {
    case status(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RESPValue])

    init(reply: UnsafePointer<redisReply>) {
        let node = reply.pointee
        switch node.type {
        case REDIS_REPLY_STATUS: self = .status(Self.text(node))
        case REDIS_REPLY_ERROR: self = .error(Self.text(node))
        case REDIS_REPLY_INTEGER: self = .integer(Int64(node.integer))
        case REDIS_REPLY_STRING:
            self = .bulk(node.len > 0 ? Array(UnsafeRawBufferPointer(start: node.str, count: Int(node.len))) : [])
        case REDIS_REPLY_ARRAY:
            var items: [RESPValue] = []
            items.reserveCapacity(Int(node.elements))
            for index in 0..<Int(node.elements) {
                if let child = node.element[index] { items.append(RESPValue(reply: child)) } else { items.append(.null) }
            }
            self = .array(items)
        default: self = .null
        }
    }

    private static func text(_ node: redisReply) -> String {
        guard node.len > 0, let start = node.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: Int(node.len)), as: UTF8.self)
    }

    /// A bulk string or status as text; invalid UTF-8 becomes U+FFFD.
    public var string: String? {
        switch self {
        case .bulk(let bytes): return String(decoding: bytes, as: UTF8.self)
        case .status(let text): return text
        default: return nil
        }
    }

    public var array: [RESPValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var integer: Int64? {
        switch self {
        case .integer(let value): return value
        case .bulk, .status: return string.flatMap { Int64($0) }
        default: return nil
        }
    }
}
