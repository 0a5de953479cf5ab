import Sinks
import StructuredData

/// Writes an entry's event data (`{"stream","message_id","values","metadata"?}`) as JSON straight
/// from the entry's bytes into one buffer, with no `String` or `JSONValue` per field. The output is
/// byte for byte what `JSONWriter` writes for the same data built as a `JSONObject`, which stays the
/// reference and the path for the rare entries whose names a `JSONObject` would merge.
struct EventDataEncoder: Sendable {
    /// `,"metadata":{...}`, keys sorted, or nothing.
    private let metadataSuffix: [UInt8]
    private let metadataObject: JSONValue?
    /// Past this many fields, duplicate names are found with a set rather than pairwise.
    private static let pairwiseLimit = 32

    init(metadata: [String: String]) {
        metadataObject = metadata.isEmpty
            ? nil : .object(JSONObject(metadata.keys.sorted().map { ($0, JSONValue.string(metadata[$0]!)) }))
        if let metadataObject {
            metadataSuffix = Array(#","metadata":"#.utf8) + JSONWriter.bytes(metadataObject)
        } else {
            metadataSuffix = []
        }
    }

    func encode(_ entry: StreamEntry) -> [UInt8] {
        let fields = entry.fields ?? []
        guard Self.namesStayDistinct(fields) else { return JSONWriter.bytes(general(entry)) }
        var out: [UInt8] = []
        let fieldBytes = fields.isEmpty ? 0 : fields.valueRange(at: fields.count - 1).upperBound - fields.nameRange(at: 0).lowerBound
        out.reserveCapacity(48 + entry.stream.utf8.count + entry.id.utf8.count + fieldBytes + 6 * fields.count + metadataSuffix.count)
        out.append(contentsOf: #"{"stream":"#.utf8)
        JSONWriter.writeString(entry.stream, into: &out)
        out.append(contentsOf: #","message_id":"#.utf8)
        JSONWriter.writeString(entry.id, into: &out)
        out.append(contentsOf: #","values":{"#.utf8)
        fields.bytes.withUnsafeBufferPointer { buffer in
            for position in 0..<fields.count {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeText(UnsafeBufferPointer(rebasing: buffer[fields.nameRange(at: position)]), into: &out)
                out.append(UInt8(ascii: ":"))
                Self.writeText(UnsafeBufferPointer(rebasing: buffer[fields.valueRange(at: position)]), into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        out.append(contentsOf: metadataSuffix)
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The data as a `JSONObject`: names and values decoded as Swift strings (bytes that are not
    /// UTF-8 become U+FFFD, as Go's encoding/json does), a repeated name keeping its first place and
    /// its last value.
    func general(_ entry: StreamEntry) -> JSONValue {
        var values = JSONObject()
        for field in entry.fields ?? [] {
            values[String(decoding: field.name, as: UTF8.self)] = .string(String(decoding: field.value, as: UTF8.self))
        }
        var data = JSONObject([
            ("stream", .string(entry.stream)), ("message_id", .string(entry.id)), ("values", .object(values)),
        ])
        if let metadataObject { data["metadata"] = metadataObject }
        return .object(data)
    }

    /// A quoted JSON string for bytes that should be UTF-8: ASCII is escaped in place; anything
    /// else goes through `String(decoding:)` so invalid sequences become U+FFFD exactly as before.
    private static func writeText(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) {
        if isASCII(bytes) {
            out.append(UInt8(ascii: "\""))
            JSONWriter.writeEscaped(bytes, into: &out)
            out.append(UInt8(ascii: "\""))
        } else {
            JSONWriter.writeString(String(decoding: bytes, as: UTF8.self), into: &out)
        }
    }

    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var combined: UInt8 = 0
        for byte in bytes { combined |= byte }
        return combined < 0x80
    }

    /// Whether every name is its own key: a `JSONObject` compares Swift strings, which merges
    /// repeated names and also canonically equivalent non-ASCII ones, so only distinct ASCII
    /// names (or a single name) take the byte path.
    private static func namesStayDistinct(_ fields: StreamEntryFields) -> Bool {
        guard fields.count > 1 else { return true }
        return fields.bytes.withUnsafeBufferPointer { buffer in
            for position in 0..<fields.count where !isASCII(UnsafeBufferPointer(rebasing: buffer[fields.nameRange(at: position)])) {
                return false
            }
            if fields.count > pairwiseLimit {
                var seen = Set<ArraySlice<UInt8>>()
                for position in 0..<fields.count where !seen.insert(fields.bytes[fields.nameRange(at: position)]).inserted {
                    return false
                }
                return true
            }
            for later in 1..<fields.count {
                let name = UnsafeBufferPointer(rebasing: buffer[fields.nameRange(at: later)])
                for earlier in 0..<later where name.elementsEqual(UnsafeBufferPointer(rebasing: buffer[fields.nameRange(at: earlier)])) {
                    return false
                }
            }
            return true
        }
    }
}
