import CHiredis

/// One stream entry as read: its id and its field/value pairs, kept as bytes.
public struct StreamEntry: Sendable, Equatable {
    public var stream: String
    public var id: String
    /// Nil when the entry is still pending but was trimmed from the stream (XTRIM/XDEL).
    public var fields: StreamEntryFields?

    public init(stream: String, id: String, fields: [(name: [UInt8], value: [UInt8])]?) {
        self.init(stream: stream, id: id, sharedFields: fields.map(StreamEntryFields.init))
    }

    init(stream: String, id: String, sharedFields: StreamEntryFields?) {
        self.stream = stream
        self.id = id
        self.fields = sharedFields
    }

    public static func == (lhs: StreamEntry, rhs: StreamEntry) -> Bool {
        guard lhs.stream == rhs.stream, lhs.id == rhs.id else { return false }
        switch (lhs.fields, rhs.fields) {
        case (nil, nil): return true
        case (let left?, let right?): return left == right
        default: return false
        }
    }

    /// The millisecond timestamp part of the id (`<ms>-<seq>`).
    public var milliseconds: Int64? {
        var value: Int64 = 0
        var sawDigit = false
        for byte in id.utf8 {
            if byte == UInt8(ascii: "-") { break }
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            let (product, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            value = product + Int64(byte - UInt8(ascii: "0"))
            sawDigit = true
        }
        return sawDigit ? value : nil
    }

    /// Parses an XREADGROUP/XREAD reply straight from hiredis' reply tree. Every field name and
    /// value of the reply is copied into one shared buffer; the entries keep ranges of it.
    static func parseReadReply(_ reply: UnsafePointer<redisReply>) throws(RedisError) -> [StreamEntry] {
        let root = reply.pointee
        guard root.type == REDIS_REPLY_ARRAY else { return [] }
        var bytes: [UInt8] = []
        var bounds: [Int] = []
        // The buffer must be complete before any entry refers to it, or each append would copy it.
        var parsed: [(stream: String, id: String, pairs: Range<Int>?)] = []
        for streamIndex in 0..<Int(root.elements) {
            guard let pair = root.element[streamIndex]?.pointee, pair.type == REDIS_REPLY_ARRAY, pair.elements == 2,
                let nameNode = pair.element[0], let list = pair.element[1]?.pointee, list.type == REDIS_REPLY_ARRAY
            else { throw .protocolError("a stream reply is not [name, entries]") }
            let name = text(nameNode)
            parsed.reserveCapacity(parsed.count + Int(list.elements))
            for entryIndex in 0..<Int(list.elements) {
                guard let item = list.element[entryIndex]?.pointee, item.type == REDIS_REPLY_ARRAY, item.elements >= 2,
                    let idNode = item.element[0]
                else { throw .protocolError("a stream entry is not [id, fields]") }
                let id = text(idNode)
                guard let flat = item.element[1]?.pointee, flat.type == REDIS_REPLY_ARRAY else {
                    parsed.append((name, id, nil))
                    continue
                }
                guard flat.elements % 2 == 0 else { throw .protocolError("entry \(id) has an odd number of field items") }
                let firstPair = bounds.count / 4
                for index in 0..<Int(flat.elements) {
                    guard let node = flat.element[index], node.pointee.type == REDIS_REPLY_STRING else {
                        throw .protocolError("entry \(id) has a field that is not a string")
                    }
                    bounds.append(bytes.count)
                    if node.pointee.len > 0, let start = node.pointee.str {
                        bytes.append(contentsOf: UnsafeRawBufferPointer(start: start, count: Int(node.pointee.len)))
                    }
                    bounds.append(bytes.count)
                }
                parsed.append((name, id, firstPair..<bounds.count / 4))
            }
        }
        return parsed.map { entry in
            StreamEntry(
                stream: entry.stream, id: entry.id,
                sharedFields: entry.pairs.map { StreamEntryFields(bytes: bytes, bounds: bounds, pairs: $0) })
        }
    }

    private static func text(_ node: UnsafeMutablePointer<redisReply>) -> String {
        let reply = node.pointee
        guard reply.len > 0, let start = reply.str else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: start, count: Int(reply.len)), as: UTF8.self)
    }
}
