/// Go's `strings` package semantics on Swift strings: byte-wise comparison and positions, and
/// per-code-point case mapping, so results match what Argo computes.
enum GoStrings {
    static func isSpace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace
    }

    static func trim(_ text: String, where remove: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !remove($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !remove($0) })!
        return String(scalars[first...last])
    }

    static func trimLeft(_ text: String, where remove: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !remove($0) }) else { return "" }
        return String(scalars[first...])
    }

    static func trimRight(_ text: String, where remove: (Unicode.Scalar) -> Bool) -> String {
        let scalars = text.unicodeScalars
        guard let last = scalars.lastIndex(where: { !remove($0) }) else { return "" }
        return String(scalars[...last])
    }

    static func trimPrefix(_ text: String, _ prefix: String) -> String {
        guard !prefix.isEmpty, text.utf8.starts(with: prefix.utf8) else { return text }
        return String(decoding: Array(text.utf8).dropFirst(prefix.utf8.count), as: UTF8.self)
    }

    static func trimSuffix(_ text: String, _ suffix: String) -> String {
        guard !suffix.isEmpty, hasSuffix(text, suffix) else { return text }
        return String(decoding: Array(text.utf8).dropLast(suffix.utf8.count), as: UTF8.self)
    }

    static func hasSuffix(_ text: String, _ suffix: String) -> Bool {
        text.utf8.reversed().starts(with: suffix.utf8.reversed())
    }

    static func upper(_ text: String) -> String {
        mapScalars(text) { $0.properties.uppercaseMapping }
    }

    static func lower(_ text: String) -> String {
        mapScalars(text) { $0.properties.lowercaseMapping }
    }

    static func title(_ scalar: Unicode.Scalar) -> String {
        let mapped = scalar.properties.titlecaseMapping
        return mapped.unicodeScalars.count == 1 ? mapped : String(scalar)
    }

    /// Go maps one code point to one code point; a mapping that would expand (ß → SS) is skipped.
    private static func mapScalars(_ text: String, _ mapping: (Unicode.Scalar) -> String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            let mapped = mapping(scalar).unicodeScalars
            if mapped.count == 1 { result.append(mapped.first!) } else { result.append(scalar) }
        }
        return String(result)
    }

    /// Byte offset of the first occurrence, or -1.
    static func index(of part: String, in text: String) -> Int {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        guard needle.count <= haystack.count else { return -1 }
        if needle.isEmpty { return 0 }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return start }
        }
        return -1
    }

    static func lastIndex(of part: String, in text: String) -> Int {
        let haystack = Array(text.utf8)
        let needle = Array(part.utf8)
        guard needle.count <= haystack.count else { return -1 }
        if needle.isEmpty { return haystack.count }
        for start in stride(from: haystack.count - needle.count, through: 0, by: -1) {
            if haystack[start..<start + needle.count].elementsEqual(needle) { return start }
        }
        return -1
    }

    static func contains(_ text: String, _ part: String) -> Bool {
        index(of: part, in: text) >= 0
    }

    /// strings.SplitN / SplitAfterN: an empty separator splits into code points; `limit` < 0 means
    /// all parts, 0 none, n at most n (the last holding the rest).
    static func split(_ text: String, separator: String, limit: Int, keepSeparator: Bool) -> [String] {
        if limit == 0 { return [] }
        if separator.isEmpty {
            var parts = text.unicodeScalars.map { String($0) }
            if limit > 0, parts.count > limit {
                parts = Array(parts.prefix(limit - 1)) + [parts.dropFirst(limit - 1).joined()]
            }
            return parts
        }
        let bytes = Array(text.utf8)
        let needle = Array(separator.utf8)
        var parts: [String] = []
        var start = 0
        var position = 0
        while position + needle.count <= bytes.count, limit < 0 || parts.count < limit - 1 {
            if bytes[position..<position + needle.count].elementsEqual(needle) {
                let end = keepSeparator ? position + needle.count : position
                parts.append(String(decoding: bytes[start..<end], as: UTF8.self))
                position += needle.count
                start = position
            } else {
                position += 1
            }
        }
        parts.append(String(decoding: bytes[start...], as: UTF8.self))
        return parts
    }

    /// The most bytes `replace` can produce, so callers can charge for it before building it.
    static func replacementBound(_ text: String, _ old: String, with new: String) -> Int {
        let occurrences = old.isEmpty ? text.unicodeScalars.count + 1 : text.utf8.count / old.utf8.count
        let (extra, overflow) = occurrences.multipliedReportingOverflow(by: new.utf8.count)
        return overflow ? Int.max : text.utf8.count &+ extra
    }

    /// strings.Replace: `limit` < 0 replaces all. An empty `old` inserts between code points.
    static func replace(_ text: String, _ old: String, with new: String, limit: Int) -> String {
        if limit == 0 || old == new { return text }
        if old.isEmpty {
            var result = ""
            var done = 0
            for scalar in text.unicodeScalars {
                if limit < 0 || done < limit { result += new; done += 1 }
                result.unicodeScalars.append(scalar)
            }
            if limit < 0 || done < limit { result += new }
            return result
        }
        let parts = split(text, separator: old, limit: limit < 0 || limit == Int.max ? -1 : limit + 1, keepSeparator: false)
        return parts.joined(separator: new)
    }
}
