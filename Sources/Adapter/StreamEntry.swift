/// One stream entry as read: its id and its field/value pairs, kept as bytes.
public struct StreamEntry: Sendable, Equatable {
    public var stream: String
    public var id: String
    /// Nil when the entry is still pending but was trimmed from the stream (XTRIM/XDEL).
    public var fields: [(name: [UInt8], value: [UInt8])]?

    public init(stream: String, id: String, fields: [(name: [UInt8], value: [UInt8])]?) {
        self.stream = stream
        self.id = id
        self.fields = fields
    }

    public static func == (lhs: StreamEntry, rhs: StreamEntry) -> Bool {
        guard lhs.stream == rhs.stream, lhs.id == rhs.id else { return false }
        switch (lhs.fields, rhs.fields) {
        case (nil, nil): return true
        case (let left?, let right?):
            return left.count == right.count && zip(left, right).allSatisfy { $0.name == $1.name && $0.value == $1.value }
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

    /// Parses one `[id, [field, value, ...]]` element of a stream reply.
    static func parse(stream: String, _ value: RESPValue) throws(RedisError) -> StreamEntry {
        guard let pair = value.array, pair.count >= 2, let id = pair[0].string else {
            throw .protocolError("a stream entry is not [id, fields]")
        }
        guard case .array(let flat) = pair[1] else {
            return StreamEntry(stream: stream, id: id, fields: nil)
        }
        guard flat.count % 2 == 0 else { throw .protocolError("entry \(id) has an odd number of field items") }
        var fields: [(name: [UInt8], value: [UInt8])] = []
        fields.reserveCapacity(flat.count / 2)
        var index = 0
        while index < flat.count {
            guard case .bulk(let name) = flat[index], case .bulk(let value) = flat[index + 1] else {
                throw .protocolError("entry \(id) has a field that is not a string")
            }
            fields.append((name, value))
            index += 2
        }
        return StreamEntry(stream: stream, id: id, fields: fields)
    }

    /// Parses an XREADGROUP/XREAD reply: `[[stream, [entry, ...]], ...]`, or null when nothing arrived.
    static func parseReadReply(_ reply: RESPValue) throws(RedisError) -> [StreamEntry] {
        guard case .array(let streams) = reply else { return [] }
        var entries: [StreamEntry] = []
        for item in streams {
            guard let pair = item.array, pair.count == 2, let name = pair[0].string, let list = pair[1].array else {
                throw .protocolError("a stream reply is not [name, entries]")
            }
            for element in list { entries.append(try parse(stream: name, element)) }
        }
        return entries
    }
}
