/// Splits an expression into tokens in one pass, without recursion, so any input length is safe.
struct FilterTokenizer {
    /// Longest first, so `<=` wins over `<`.
    private static let symbols = [
        "?.", "??", "==", "!=", "<=", ">=", "&&", "||", "**", "..",
        "?", ":", ";", "#", "|", "^", "{", "}", "=", "<", ">", "!", "+", "-", "*", "/", "%", "(", ")", "[", "]", ".", ",",
    ].map { Array($0.unicodeScalars) }

    /// The symbols by their first scalar, longest first, so each token tries only its few candidates.
    private static let symbolsByFirstScalar: [Unicode.Scalar: [[Unicode.Scalar]]] = Dictionary(
        grouping: symbols, by: { $0[0] })

    private let scalars: [Unicode.Scalar]
    private var index = 0

    init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    static func tokens(of source: String) throws(FilterSyntaxError) -> [FilterToken] {
        var tokenizer = FilterTokenizer(source)
        var tokens: [FilterToken] = []
        while true {
            let token = try tokenizer.next()
            tokens.append(token)
            if token.isEnd { return tokens }
        }
    }

    private var column: Int { index + 1 }

    private func peek(_ offset: Int = 0) -> Unicode.Scalar? {
        index + offset < scalars.count ? scalars[index + offset] : nil
    }

    private func text(from start: Int) -> String {
        String(String.UnicodeScalarView(scalars[start..<index]))
    }

    mutating func next() throws(FilterSyntaxError) -> FilterToken {
        try skipSpaceAndComments()
        guard let scalar = peek() else { return FilterToken(kind: .end, column: column, text: "") }
        let start = index
        if Self.isIdentifierStart(scalar) {
            while let next = peek(), Self.isIdentifierStart(next) || Self.isDigit(next) { index += 1 }
            let name = text(from: start)
            return FilterToken(kind: .identifier(name), column: start + 1, text: name)
        }
        if Self.isDigit(scalar) || (scalar == "." && peek(1).map(Self.isDigit) == true) {
            return try number()
        }
        if scalar == "\"" || scalar == "'" {
            return try quotedString(quote: scalar)
        }
        if scalar == "`" {
            return try rawString()
        }
        for symbol in Self.symbolsByFirstScalar[scalar] ?? [] where matches(symbol) {
            index += symbol.count
            let spelled = text(from: start)
            return FilterToken(kind: .symbol(spelled), column: start + 1, text: spelled)
        }
        let hint: String
        switch scalar {
        case "=": hint = " (did you mean '=='?)"
        case "&": hint = " (did you mean '&&'?)"
        case "|": hint = " (did you mean '||'?)"
        default: hint = ""
        }
        throw FilterSyntaxError("unexpected character '\(scalar.escaped(asASCII: false))'\(hint)", column: column)
    }

    /// Whitespace, `// line` and `/* block */` comments, as expr-lang allows them.
    private mutating func skipSpaceAndComments() throws(FilterSyntaxError) {
        while let scalar = peek() {
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "/", peek(1) == "/" {
                while let next = peek(), next != "\n" { index += 1 }
            } else if scalar == "/", peek(1) == "*" {
                let start = index
                index += 2
                while peek() != nil, !(peek() == "*" && peek(1) == "/") { index += 1 }
                guard peek() != nil else { throw FilterSyntaxError("unclosed comment", column: start + 1) }
                index += 2
            } else {
                return
            }
        }
    }

    private func matches(_ symbol: [Unicode.Scalar]) -> Bool {
        guard index + symbol.count <= scalars.count else { return false }
        for (offset, scalar) in symbol.enumerated() where scalars[index + offset] != scalar { return false }
        return true
    }

    /// Letters as Go's unicode.IsLetter sees them, `_` and `$` (for `$env`).
    private static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "_" || scalar == "$" || scalar.properties.isAlphabetic
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && ("0"..."9").contains(scalar)
    }

    private static func isHexDigit(_ scalar: Unicode.Scalar) -> Bool {
        isDigit(scalar) || ("a"..."f").contains(scalar) || ("A"..."F").contains(scalar)
    }

    private mutating func number() throws(FilterSyntaxError) -> FilterToken {
        let start = index
        if peek() == "0", let marker = peek(1), let radix = Self.radix(marker) {
            index += 2
            while let next = peek(), Self.isHexDigit(next) || next == "_" { index += 1 }
            let spelled = text(from: start)
            let digits = String(spelled.dropFirst(2).filter { $0 != "_" })
            guard let value = Int64(digits, radix: radix) else {
                throw FilterSyntaxError("invalid number '\(spelled)'", column: start + 1)
            }
            return FilterToken(kind: .integer(value), column: start + 1, text: spelled)
        }
        var isFloat = false
        skipDigits()
        if peek() == ".", let after = peek(1), Self.isDigit(after) {
            isFloat = true
            index += 1
            skipDigits()
        }
        if let marker = peek(), marker == "e" || marker == "E" {
            let signLength = (peek(1) == "+" || peek(1) == "-") ? 1 : 0
            if let digit = peek(1 + signLength), Self.isDigit(digit) {
                isFloat = true
                index += 1 + signLength
                skipDigits()
            }
        }
        let spelled = text(from: start)
        let digits = spelled.filter { $0 != "_" }
        if isFloat {
            guard let value = Double(digits), value.isFinite else {
                throw FilterSyntaxError("invalid number '\(spelled)'", column: start + 1)
            }
            return FilterToken(kind: .float(value), column: start + 1, text: spelled)
        }
        guard let value = Int64(digits) else {
            throw FilterSyntaxError("integer '\(spelled)' is too large", column: start + 1)
        }
        return FilterToken(kind: .integer(value), column: start + 1, text: spelled)
    }

    private static func radix(_ marker: Unicode.Scalar) -> Int? {
        switch marker {
        case "x", "X": return 16
        case "o", "O": return 8
        case "b", "B": return 2
        default: return nil
        }
    }

    private mutating func skipDigits() {
        while let next = peek(), Self.isDigit(next) || next == "_" { index += 1 }
    }

    private mutating func quotedString(quote: Unicode.Scalar) throws(FilterSyntaxError) -> FilterToken {
        let start = index
        index += 1
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = peek() else {
                throw FilterSyntaxError("unterminated string", column: start + 1)
            }
            index += 1
            if scalar == quote { break }
            if scalar != "\\" {
                value.append(scalar)
                continue
            }
            value.append(try escape())
        }
        return FilterToken(kind: .string(String(value)), column: start + 1, text: text(from: start))
    }

    private mutating func escape() throws(FilterSyntaxError) -> Unicode.Scalar {
        let escapeColumn = index
        guard let code = peek() else {
            throw FilterSyntaxError("unterminated string", column: escapeColumn)
        }
        index += 1
        switch code {
        case "n": return "\n"
        case "t": return "\t"
        case "r": return "\r"
        case "a": return "\u{07}"
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "v": return "\u{0B}"
        case "\\", "'", "\"", "`": return code
        case "u", "x", "U", "0"..."7":
            // Go's escapes: \xHH, \uHHHH, \UHHHHHHHH and three octal digits \OOO.
            let (length, radix): (Int, UInt32) =
                code == "u" ? (4, 16) : code == "U" ? (8, 16) : code == "x" ? (2, 16) : (2, 8)
            var number: UInt32 = radix == 8 ? UInt32(code.value - 48) : 0
            for _ in 0..<length {
                guard let digit = peek(), let nibble = UInt32(String(digit), radix: Int(radix)) else {
                    let what = radix == 8 ? "3 octal digits" : "\(length) hex digits"
                    throw FilterSyntaxError("invalid \\\(code) escape: expected \(what)", column: escapeColumn)
                }
                number = number * radix + nibble
                index += 1
            }
            guard let scalar = Unicode.Scalar(number) else {
                throw FilterSyntaxError("invalid \\\(code) escape: not a Unicode scalar", column: escapeColumn)
            }
            return scalar
        default:
            throw FilterSyntaxError("unknown escape '\\\(code)'", column: escapeColumn)
        }
    }

    private mutating func rawString() throws(FilterSyntaxError) -> FilterToken {
        let start = index
        index += 1
        while let scalar = peek(), scalar != "`" { index += 1 }
        guard peek() == "`" else { throw FilterSyntaxError("unterminated string", column: start + 1) }
        let value = String(String.UnicodeScalarView(scalars[(start + 1)..<index]))
        index += 1
        return FilterToken(kind: .string(value), column: start + 1, text: text(from: start))
    }
}
