/// The constructs PCRE2 accepts but Go's RE2 syntax (Argo's) rejects. Rejecting them keeps a
/// filter that works here working in Argo, and keeps out the constructs (backreferences,
/// lookaround, atomic groups, recursion) that only a backtracking engine can run.
enum RE2Syntax {
    /// Escapes Go's regexp/syntax accepts that are letters or digits; punctuation is always literal.
    private static let allowedLetterEscapes = Set("AbBdDfnpPQErsStvwWxza".unicodeScalars)

    /// A description of the first construct RE2 would reject, or nil.
    static func unsupportedConstruct(in pattern: String) -> String? {
        let scalars = Array(pattern.unicodeScalars)
        var index = 0
        var inClass = false
        var quoted = false
        while index < scalars.count {
            let scalar = scalars[index]
            if quoted {
                if scalar == "\\", index + 1 < scalars.count, scalars[index + 1] == "E" {
                    quoted = false
                    index += 1
                }
                index += 1
                continue
            }
            switch scalar {
            case "\\":
                guard index + 1 < scalars.count else { return nil }  // PCRE2 reports the trailing backslash
                let escaped = scalars[index + 1]
                if escaped == "Q" { quoted = true }
                if ("1"..."9").contains(escaped), !(index + 2 < scalars.count && ("0"..."7").contains(scalars[index + 2])) {
                    return "backreference \\\(escaped) is not supported (RE2 syntax)"
                }
                if escaped.isASCII, escaped.properties.isAlphabetic, !allowedLetterEscapes.contains(escaped) {
                    return "escape \\\(escaped) is not supported (RE2 syntax)"
                }
                index += 2
                continue
            case "[" where !inClass:
                inClass = true
                // A `]` right after `[` or `[^` is a literal member.
                if index + 1 < scalars.count, scalars[index + 1] == "^" { index += 1 }
                if index + 1 < scalars.count, scalars[index + 1] == "]" { index += 1 }
            case "]" where inClass:
                inClass = false
            case "(" where !inClass:
                if let problem = groupProblem(scalars, at: index) { return problem }
            case "*", "+", "?", "}":
                if !inClass, index + 1 < scalars.count, scalars[index + 1] == "+" {
                    return "possessive quantifier \(scalar)+ is not supported (RE2 syntax)"
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    private static func groupProblem(_ scalars: [Unicode.Scalar], at index: Int) -> String? {
        guard index + 2 < scalars.count, scalars[index + 1] == "?" else { return nil }
        let next = scalars[index + 2]
        let after = index + 3 < scalars.count ? scalars[index + 3] : nil
        switch next {
        case "=", "!": return "lookahead (?\(next) is not supported (RE2 syntax)"
        case "<" where after == "=" || after == "!": return "lookbehind is not supported (RE2 syntax)"
        case ">": return "atomic group (?> is not supported (RE2 syntax)"
        case "|": return "branch reset (?| is not supported (RE2 syntax)"
        case "(": return "conditional group is not supported (RE2 syntax)"
        case "R", "&", "+", "0"..."9": return "recursion is not supported (RE2 syntax)"
        case "P" where after == ">" || after == "=": return "recursion and backreferences are not supported (RE2 syntax)"
        case "#": return "comment group (?# is not supported (RE2 syntax)"
        default: return nil
        }
    }
}
