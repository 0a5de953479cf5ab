/// Reads the protobuf wire format, field by field, without a schema: enough to decode the few
/// Kubernetes messages kubectl sends as protobuf. Every read is bounds-checked; malformed input
/// throws rather than traps.
struct ProtobufReader {
    enum Value {
        case varint(UInt64)
        case bytes(ArraySlice<UInt8>)
        case fixed
    }

    struct Malformed: Error {
        let why: String
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next field's number and value, or nil at the end.
    mutating func next() throws(Malformed) -> (field: UInt64, value: Value)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let field = key >> 3
        guard field > 0 else { throw Malformed(why: "field number 0") }
        switch key & 7 {
        case 0: return (field, .varint(try varint()))
        case 1: try skip(8); return (field, .fixed)
        case 2:
            let length = try varint()
            guard length <= UInt64(bytes.endIndex - position) else { throw Malformed(why: "a length beyond the message") }
            let start = position
            position += Int(length)
            return (field, .bytes(bytes[start..<position]))
        case 5: try skip(4); return (field, .fixed)
        default: throw Malformed(why: "wire type \(key & 7) is not supported")
        }
    }

    private mutating func skip(_ count: Int) throws(Malformed) {
        guard bytes.endIndex - position >= count else { throw Malformed(why: "a fixed-size field cut short") }
        position += count
    }

    private mutating func varint() throws(Malformed) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.endIndex else { throw Malformed(why: "a number cut short") }
            let byte = bytes[position]
            position += 1
            guard shift < 64 else { throw Malformed(why: "a number longer than 64 bits") }
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// All fields of a message, in order; repeated fields appear once per element.
    static func fields(_ bytes: ArraySlice<UInt8>) throws(Malformed) -> [(field: UInt64, value: Value)] {
        var reader = ProtobufReader(bytes)
        var fields: [(field: UInt64, value: Value)] = []
        while let field = try reader.next() { fields.append(field) }
        return fields
    }
}

extension ProtobufReader.Value {
    var text: String? {
        guard case .bytes(let bytes) = self else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }

    var message: ArraySlice<UInt8>? {
        guard case .bytes(let bytes) = self else { return nil }
        return bytes
    }

    var number: UInt64? {
        guard case .varint(let value) = self else { return nil }
        return value
    }
}
