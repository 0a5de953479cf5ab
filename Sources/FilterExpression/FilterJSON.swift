/// JSON as Go's encoding/json writes and reads it, for `toJSON`, `fromJSON`, `toJson`,
/// `jsonpath` and sprig's JSON functions: object keys sorted, `<`, `>`, `&` escaped unless raw,
/// and every number read as a float (Go decodes into float64).
enum FilterJSON {
    static let maximumDepth = 100

    static func encode(_ value: FilterValue, indent: Bool = false, escapeHTML: Bool = true) -> String {
        var output = ""
        write(value, into: &output, indent: indent ? "" : nil, escapeHTML: escapeHTML)
        return output
    }

    private static func write(_ value: FilterValue, into output: inout String, indent: String?, escapeHTML: Bool) {
        let inner = indent.map { $0 + "  " }
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .float(let number):
            // Go refuses NaN and infinities; Argo's toJson then returns "".
            output += number.isFinite ? GoFormatting.float(number, style: .json) : "null"
        case .string(let text): writeString(text, into: &output, escapeHTML: escapeHTML)
        case .time(let instant): writeString(FilterTime.rfc3339(instant), into: &output, escapeHTML: escapeHTML)
        case .duration(let span): output += String(span)
        case .list(let items):
            if items.isEmpty { output += "[]"; return }
            output += "["
            for (position, item) in items.enumerated() {
                if position > 0 { output += "," }
                if let inner { output += "\n" + inner }
                write(item, into: &output, indent: inner, escapeHTML: escapeHTML)
            }
            if let indent { output += "\n" + indent }
            output += "]"
        case .map(let entries):
            if entries.isEmpty { output += "{}"; return }
            output += "{"
            for (position, key) in entries.keys.sorted(by: GoFormatting.utf8Less).enumerated() {
                if position > 0 { output += "," }
                if let inner { output += "\n" + inner }
                writeString(key, into: &output, escapeHTML: escapeHTML)
                output += indent == nil ? ":" : ": "
                write(entries[key]!, into: &output, indent: inner, escapeHTML: escapeHTML)
            }
            if let indent { output += "\n" + indent }
            output += "}"
        }
    }

    private static func writeString(_ text: String, into output: inout String, escapeHTML: Bool) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "<" where escapeHTML, ">" where escapeHTML, "&" where escapeHTML: output += hexEscape(scalar.value)
            case "\u{2028}", "\u{2029}": output += hexEscape(scalar.value)
            default:
                if scalar.value < 0x20 { output += hexEscape(scalar.value) } else { output.unicodeScalars.append(scalar) }
            }
        }
        output += "\""
    }

    private static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ text: String) throws(DecodeError) -> FilterValue {
        var reader = Reader(bytes: Array(text.utf8))
        reader.skipSpace()
        let value = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.index == reader.bytes.count else { throw reader.error("invalid character after top-level value") }
        return value
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0

        func error(_ message: String) -> DecodeError {
            DecodeError(description: "\(message) at offset \(index)")
        }

        mutating func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }

        mutating func literal(_ word: String, _ value: FilterValue) throws(DecodeError) -> FilterValue {
            let expected = Array(word.utf8)
            guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
                throw error("invalid literal")
            }
            index += expected.count
            return value
        }

        mutating func value(depth: Int) throws(DecodeError) -> FilterValue {
            guard depth < FilterJSON.maximumDepth else { throw error("nested too deeply") }
            guard index < bytes.count else { throw error("unexpected end of JSON input") }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                var entries: [String: FilterValue] = [:]
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return .map(entries) }
                while true {
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a key") }
                    let key = try string()
                    skipSpace()
                    guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
                    index += 1
                    skipSpace()
                    entries[key] = try value(depth: depth + 1)
                    skipSpace()
                    guard index < bytes.count else { throw error("unexpected end of JSON input") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}'") }
                    index += 1
                    return .map(entries)
                }
            case UInt8(ascii: "["):
                index += 1
                var items: [FilterValue] = []
                skipSpace()
                if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return .list(items) }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard index < bytes.count else { throw error("unexpected end of JSON input") }
                    if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
                    guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']'") }
                    index += 1
                    return .list(items)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"): return try literal("true", .bool(true))
            case UInt8(ascii: "f"): return try literal("false", .bool(false))
            case UInt8(ascii: "n"): return try literal("null", .null)
            default: return try number()
            }
        }

        mutating func number() throws(DecodeError) -> FilterValue {
            let start = index
            while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
            let text = String(decoding: bytes[start..<index], as: UTF8.self)
            guard !text.isEmpty, text.first != "+", let number = Double(text), number.isFinite else {
                index = start
                throw error("invalid number")
            }
            return .float(number)
        }

        mutating func string() throws(DecodeError) -> String {
            index += 1
            var scalars = String.UnicodeScalarView()
            var runStart = index
            func flush(_ end: Int) {
                scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    flush(index)
                    index += 1
                    return String(scalars)
                }
                if byte == UInt8(ascii: "\\") {
                    flush(index)
                    index += 1
                    guard index < bytes.count else { break }
                    let code = bytes[index]
                    index += 1
                    switch code {
                    case UInt8(ascii: "n"): scalars.append("\n")
                    case UInt8(ascii: "t"): scalars.append("\t")
                    case UInt8(ascii: "r"): scalars.append("\r")
                    case UInt8(ascii: "b"): scalars.append("\u{08}")
                    case UInt8(ascii: "f"): scalars.append("\u{0C}")
                    case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "\""): scalars.append(Unicode.Scalar(code))
                    case UInt8(ascii: "u"):
                        var unit = try hex4()
                        // A surrogate pair makes one code point; a lone surrogate becomes U+FFFD, as in Go.
                        if (0xD800..<0xDC00).contains(unit), index + 5 < bytes.count, bytes[index] == UInt8(ascii: "\\"),
                            bytes[index + 1] == UInt8(ascii: "u"),
                            let low = UInt32(String(decoding: bytes[index + 2..<index + 6], as: UTF8.self), radix: 16),
                            (0xDC00..<0xE000).contains(low)
                        {
                            index += 6
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        }
                        scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                    default: throw error("invalid escape")
                    }
                    runStart = index
                    continue
                }
                guard byte >= 0x20 else { throw error("invalid control character in string") }
                index += 1
            }
            throw error("unexpected end of JSON input")
        }

        mutating func hex4() throws(DecodeError) -> UInt32 {
            guard index + 4 <= bytes.count,
                let unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
            else { throw error("invalid \\u escape") }
            index += 4
            return unit
        }
    }
}
