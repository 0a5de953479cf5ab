/// Sprig's string functions. Sprig puts the subject last (`trimPrefix "pre" s`), and so do these.
enum SprigStringFunctions {
    typealias Call = FilterCall

    static let all: [FilterFunction] = [
        FilterFunction("trim", 1) { c throws(FilterEvaluationError) in .string(try c.string(0).trimmingSpaces) },
        FilterFunction("trimAll", 2) { c throws(FilterEvaluationError) in
            let cutset = Set(try c.string(0).unicodeScalars)
            return .string(GoStrings.trim(try c.string(1), where: { cutset.contains($0) }))
        },
        FilterFunction("trimPrefix", 2) { c throws(FilterEvaluationError) in .string(GoStrings.trimPrefix(try c.string(1), try c.string(0))) },
        FilterFunction("trimSuffix", 2) { c throws(FilterEvaluationError) in .string(GoStrings.trimSuffix(try c.string(1), try c.string(0))) },
        FilterFunction("upper", 1) { c throws(FilterEvaluationError) in .string(GoStrings.upper(try c.string(0))) },
        FilterFunction("lower", 1) { c throws(FilterEvaluationError) in .string(GoStrings.lower(try c.string(0))) },
        FilterFunction("title", 1) { c throws(FilterEvaluationError) in .string(title(try c.string(0))) },
        FilterFunction("untitle", 1) { c throws(FilterEvaluationError) in .string(untitle(try c.string(0))) },
        FilterFunction("swapcase", 1) { c throws(FilterEvaluationError) in
            .string(String(String.UnicodeScalarView(try c.string(0).unicodeScalars.map { scalar in
                let mapped = scalar.properties.isUppercase ? scalar.properties.lowercaseMapping : scalar.properties.uppercaseMapping
                return mapped.unicodeScalars.count == 1 ? mapped.unicodeScalars.first! : scalar
            })))
        },
        FilterFunction("repeat", 2) { c throws(FilterEvaluationError) in
            let count = try c.count(0)
            let text = try c.string(1)
            let (bytes, overflow) = count.multipliedReportingOverflow(by: text.utf8.count)
            try c.chargeText(bytes: overflow ? Int.max : bytes)
            return .string(String(repeating: text, count: count))
        },
        FilterFunction("substr", 3) { c throws(FilterEvaluationError) in
            // Byte offsets, as sprig slices Go strings; out-of-range bounds mean "to the end".
            let bytes = Array(try c.string(2).utf8)
            var start = Int(SprigFunctions.int64(c[0]))
            var end = Int(SprigFunctions.int64(c[1]))
            if start < 0 { start = 0 }
            if end < 0 || end > bytes.count { end = bytes.count }
            if start > end { return .string("") }
            return .string(String(decoding: bytes[start..<end], as: UTF8.self))
        },
        FilterFunction("nospace", 1) { c throws(FilterEvaluationError) in
            .string(String(String.UnicodeScalarView(try c.string(0).unicodeScalars.filter { !GoStrings.isSpace($0) })))
        },
        FilterFunction("trunc", 2) { c throws(FilterEvaluationError) in
            let length = Int(SprigFunctions.int64(c[0]))
            let bytes = Array(try c.string(1).utf8)
            if length < 0, bytes.count + length > 0 { return .string(String(decoding: bytes[(bytes.count + length)...], as: UTF8.self)) }
            if length >= 0, bytes.count > length { return .string(String(decoding: bytes[..<length], as: UTF8.self)) }
            return .string(String(decoding: bytes, as: UTF8.self))
        },
        FilterFunction("abbrev", 2) { c throws(FilterEvaluationError) in
            let width = Int(SprigFunctions.int64(c[0]))
            let text = try c.string(1)
            let scalars = Array(text.unicodeScalars)
            if width < 4 || scalars.count <= width { return .string(text) }
            return .string(String(String.UnicodeScalarView(scalars[..<(width - 3)])) + "...")
        },
        FilterFunction("abbrevboth", 3) { c throws(FilterEvaluationError) in
            let left = Int(clamping: SprigFunctions.int64(c[0]))
            let right = Int(clamping: SprigFunctions.int64(c[1]))
            let text = try c.string(2)
            if right < 4 || left > 0 && right < 7 { return .string(text) }
            return .string(abbreviate(Array(text.utf8), offset: left, width: right))
        },
        FilterFunction("initials", 1) { c throws(FilterEvaluationError) in
            let words = try c.string(0).unicodeScalars.split(whereSeparator: GoStrings.isSpace)
            return .string(String(String.UnicodeScalarView(words.compactMap(\.first))))
        },
        FilterFunction("contains", 2) { c throws(FilterEvaluationError) in .bool(GoStrings.contains(try c.string(1), try c.string(0))) },
        FilterFunction("hasPrefix", 2) { c throws(FilterEvaluationError) in .bool(try c.string(1).utf8.starts(with: try c.string(0).utf8)) },
        FilterFunction("hasSuffix", 2) { c throws(FilterEvaluationError) in .bool(GoStrings.hasSuffix(try c.string(1), try c.string(0))) },
        FilterFunction("quote", 0...Int.max) { c throws(FilterEvaluationError) in
            .string(c.arguments.filter { $0 != .null }.map { goQuote(SprigFunctions.text($0)) }.joined(separator: " "))
        },
        FilterFunction("squote", 0...Int.max) { c throws(FilterEvaluationError) in
            .string(c.arguments.filter { $0 != .null }.map { "'" + SprigFunctions.text($0) + "'" }.joined(separator: " "))
        },
        FilterFunction("cat", 0...Int.max) { c throws(FilterEvaluationError) in
            .string(c.arguments.filter { $0 != .null }.map(SprigFunctions.text).joined(separator: " "))
        },
        FilterFunction("indent", 2) { c throws(FilterEvaluationError) in
            let text = try c.string(1)
            let width = try c.count(0)
            let lines = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            try c.chargeText(bytes: text.utf8.count + lines * width)
            let padding = String(repeating: " ", count: width)
            return .string(padding + GoStrings.replace(text, "\n", with: "\n" + padding, limit: -1))
        },
        FilterFunction("nindent", 2) { c throws(FilterEvaluationError) in
            let text = try c.string(1)
            let width = try c.count(0)
            let lines = text.utf8.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            try c.chargeText(bytes: text.utf8.count + lines * width)
            let padding = String(repeating: " ", count: width)
            return .string("\n" + padding + GoStrings.replace(text, "\n", with: "\n" + padding, limit: -1))
        },
        FilterFunction("replace", 3) { c throws(FilterEvaluationError) in
            let (text, old, new) = (try c.string(2), try c.string(0), try c.string(1))
            try c.chargeText(bytes: GoStrings.replacementBound(text, old, with: new))
            return .string(GoStrings.replace(text, old, with: new, limit: -1))
        },
        FilterFunction("plural", 3) { c throws(FilterEvaluationError) in
            .string(try c.integer(2) == 1 ? try c.string(0) : try c.string(1))
        },
        FilterFunction("snakecase", 1) { c throws(FilterEvaluationError) in .string(words(try c.string(0)).joined(separator: "_")) },
        FilterFunction("kebabcase", 1) { c throws(FilterEvaluationError) in .string(words(try c.string(0)).joined(separator: "-")) },
        FilterFunction("camelcase", 1) { c throws(FilterEvaluationError) in
            let parts = try c.string(0).split(whereSeparator: { $0 == "_" || $0 == " " || $0 == "-" })
            return .string(parts.map { title(String($0)) }.joined())
        },
        FilterFunction("toString", 1) { c throws(FilterEvaluationError) in .string(SprigFunctions.text(c[0])) },
        FilterFunction("toStrings", 1) { c throws(FilterEvaluationError) in
            .list(try SprigFunctions.list(c, 0).map { .string(SprigFunctions.text($0)) })
        },
        FilterFunction("split", 2) { c throws(FilterEvaluationError) in
            let parts = GoStrings.split(try c.string(1), separator: try c.string(0), limit: -1, keepSeparator: false)
            try c.charge(parts.count)
            var entries: [String: FilterValue] = [:]
            for (index, part) in parts.enumerated() { entries["_\(index)"] = .string(part) }
            return .map(entries)
        },
        FilterFunction("splitn", 3) { c throws(FilterEvaluationError) in
            let parts = GoStrings.split(try c.string(2), separator: try c.string(0), limit: Int(try c.integer(1)), keepSeparator: false)
            var entries: [String: FilterValue] = [:]
            for (index, part) in parts.enumerated() { entries["_\(index)"] = .string(part) }
            return .map(entries)
        },
        FilterFunction("splitList", 2) { c throws(FilterEvaluationError) in
            let parts = GoStrings.split(try c.string(1), separator: try c.string(0), limit: -1, keepSeparator: false)
            try c.charge(parts.count)
            return .list(parts.map(FilterValue.string))
        },
        FilterFunction("join", 2) { c throws(FilterEvaluationError) in
            let items: [FilterValue]
            switch c[1] {
            case .list(let list): items = list
            case .null: items = []
            default: items = [c[1]]
            }
            let joined = items.map(SprigFunctions.text).joined(separator: try c.string(0))
            try c.chargeText(joined)
            return .string(joined)
        },
        FilterFunction("sortAlpha", 1) { c throws(FilterEvaluationError) in
            let items = try SprigFunctions.list(c, 0)
            try c.charge(items.count * 8)
            return .list(items.map(SprigFunctions.text).sorted(by: GoFormatting.utf8Less).map(FilterValue.string))
        },
        FilterFunction("regexMatch", 2, pattern: 0) { c throws(FilterEvaluationError) in
            let regex = try c.regex(0)
            try c.chargeText(try c.string(1))
            return .bool(try regex.checkedMatch(try c.string(1), column: c.column) != nil)
        },
        FilterFunction("mustRegexMatch", 2, pattern: 0) { c throws(FilterEvaluationError) in
            let regex = try c.regex(0)
            return .bool(try regex.checkedMatch(try c.string(1), column: c.column) != nil)
        },
        FilterFunction("regexFind", 2, pattern: 0) { c throws(FilterEvaluationError) in
            let text = try c.string(1)
            guard let groups = try c.regex(0).checkedMatch(text, column: c.column), let whole = groups[0] else { return .string("") }
            return .string(slice(text, whole))
        },
        FilterFunction("regexFindAll", 3, pattern: 0) { c throws(FilterEvaluationError) in
            let text = try c.string(1)
            let matches = try c.regex(0).allMatches(text, limit: Int(try c.integer(2)), budget: c.budget, column: c.column)
            return .list(matches.compactMap { $0[0].map { .string(slice(text, $0)) } })
        },
        FilterFunction("regexReplaceAll", 3, pattern: 0) { c throws(FilterEvaluationError) in
            try replaceAll(c, literal: false)
        },
        FilterFunction("regexReplaceAllLiteral", 3, pattern: 0) { c throws(FilterEvaluationError) in
            try replaceAll(c, literal: true)
        },
        FilterFunction("regexSplit", 3, pattern: 0) { c throws(FilterEvaluationError) in
            let text = try c.string(1)
            let limit = Int(try c.integer(2))
            if limit == 0 { return .list([]) }
            let matches = try c.regex(0).allMatches(text, limit: limit > 0 ? limit - 1 : -1, budget: c.budget, column: c.column)
            let bytes = Array(text.utf8)
            var parts: [FilterValue] = []
            var start = 0
            for groups in matches {
                guard let whole = groups[0] else { continue }
                if whole.isEmpty, whole.lowerBound == 0 { continue }
                parts.append(.string(String(decoding: bytes[start..<whole.lowerBound], as: UTF8.self)))
                start = whole.upperBound
            }
            parts.append(.string(String(decoding: bytes[start...], as: UTF8.self)))
            return .list(parts)
        },
        FilterFunction("regexQuoteMeta", 1) { c throws(FilterEvaluationError) in
            let special = Set("\\.+*?()|[]{}^$".unicodeScalars)
            var quoted = String.UnicodeScalarView()
            for scalar in try c.string(0).unicodeScalars {
                if special.contains(scalar) { quoted.append("\\") }
                quoted.append(scalar)
            }
            return .string(String(quoted))
        },
    ]

    static func slice(_ text: String, _ range: Range<Int>) -> String {
        String(decoding: Array(text.utf8)[range], as: UTF8.self)
    }

    /// Go's regexp.ReplaceAllString: `$1`, `${1}` and `${name}`-free templates, `$$` for a dollar.
    private static func replaceAll(_ c: FilterCall, literal: Bool) throws(FilterEvaluationError) -> FilterValue {
        let text = try c.string(1)
        let replacement = try c.string(2)
        let matches = try c.regex(0).allMatches(text, budget: c.budget, column: c.column)
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        var last = 0
        for groups in matches {
            guard let whole = groups[0] else { continue }
            output.append(contentsOf: bytes[last..<whole.lowerBound])
            output.append(contentsOf: literal ? Array(replacement.utf8) : expand(replacement, groups: groups, in: bytes))
            last = whole.upperBound
            try c.chargeText(bytes: output.count)
        }
        output.append(contentsOf: bytes[last...])
        return .string(String(decoding: output, as: UTF8.self))
    }

    private static func expand(_ template: String, groups: [Range<Int>?], in bytes: [UInt8]) -> [UInt8] {
        let scalars = Array(template.utf8)
        var output: [UInt8] = []
        var index = 0
        while index < scalars.count {
            guard scalars[index] == UInt8(ascii: "$"), index + 1 < scalars.count else {
                output.append(scalars[index])
                index += 1
                continue
            }
            if scalars[index + 1] == UInt8(ascii: "$") { output.append(UInt8(ascii: "$")); index += 2; continue }
            var cursor = index + 1
            let braced = scalars[cursor] == UInt8(ascii: "{")
            if braced { cursor += 1 }
            let nameStart = cursor
            while cursor < scalars.count, scalars[cursor] == UInt8(ascii: "_") || (0x30...0x39).contains(scalars[cursor])
                || (0x41...0x5A).contains(scalars[cursor]) || (0x61...0x7A).contains(scalars[cursor])
            {
                cursor += 1
            }
            let name = String(decoding: scalars[nameStart..<cursor], as: UTF8.self)
            if braced {
                guard cursor < scalars.count, scalars[cursor] == UInt8(ascii: "}") else {
                    output.append(scalars[index]); index += 1; continue
                }
                cursor += 1
            }
            guard !name.isEmpty else { output.append(scalars[index]); index += 1; continue }
            if let number = Int(name), number < groups.count, let range = groups[number] {
                output.append(contentsOf: bytes[range])
            }
            index = cursor
        }
        return output
    }

    /// goutils' AbbreviateFull, which sprig's `abbrevboth` calls: in bytes, as Go slices strings;
    /// the width is at least 4 here, and at least 7 when the offset is above 4.
    static func abbreviate(_ bytes: [UInt8], offset: Int, width: Int) -> String {
        let text = { (part: ArraySlice<UInt8>) in String(decoding: part, as: UTF8.self) }
        if bytes.count <= width { return text(bytes[...]) }
        var offset = min(offset, bytes.count)
        if bytes.count - offset < width - 3 { offset = bytes.count - (width - 3) }
        if offset <= 4 { return text(bytes[..<(width - 3)]) + "..." }
        if offset + width - 3 < bytes.count {
            return "..." + abbreviate(Array(bytes[offset...]), offset: 0, width: width - 3)
        }
        return "..." + text(bytes[(bytes.count - (width - 3))...])
    }

    /// Go's `%q`: double quotes with Go escapes.
    static func goQuote(_ text: String) -> String {
        var quoted = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": quoted += "\\\""
            case "\\": quoted += "\\\\"
            case "\n": quoted += "\\n"
            case "\t": quoted += "\\t"
            case "\r": quoted += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    quoted += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    quoted.unicodeScalars.append(scalar)
                }
            }
        }
        return quoted + "\""
    }

    /// strings.Title: the first letter of every word upper-cased.
    static func title(_ text: String) -> String {
        var result = ""
        var previousIsLetter = false
        for scalar in text.unicodeScalars {
            let isLetter = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "'"
            result += !previousIsLetter && isLetter ? GoStrings.title(scalar) : String(scalar)
            previousIsLetter = isLetter
        }
        return result
    }

    private static func untitle(_ text: String) -> String {
        var result = ""
        var previousIsSpace = true
        for scalar in text.unicodeScalars {
            let mapped = scalar.properties.lowercaseMapping
            result += previousIsSpace && mapped.unicodeScalars.count == 1 ? mapped : String(scalar)
            previousIsSpace = GoStrings.isSpace(scalar)
        }
        return result
    }

    /// Lower-case words split at spaces, `_`, `-` and lower-to-upper case changes, for snake and kebab case.
    private static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousIsLower = false
        for scalar in text.unicodeScalars {
            if scalar == "_" || scalar == "-" || GoStrings.isSpace(scalar) {
                if !current.isEmpty { words.append(current); current = "" }
                previousIsLower = false
                continue
            }
            if scalar.properties.isUppercase, previousIsLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += GoStrings.lower(String(scalar))
            previousIsLower = scalar.properties.isLowercase || ("0"..."9").contains(scalar)
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
