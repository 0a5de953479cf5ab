/// Argo's `sprig.<function>`: Masterminds/sprig v3's generic function map, minus `env` and
/// `expandenv` (Argo removes them). Implemented here: the pure string, list, dict, math,
/// default/empty/coalesce, type, path, encoding and hashing functions. Left out on purpose:
/// random and time-dependent functions, cryptographic key and certificate generation, semver,
/// date formatting, UUIDs and `getHostByName` (network I/O); calling one is a syntax error
/// that names the function.
enum SprigFunctions {
    static let all: [String: FilterFunction] = {
        var table: [String: FilterFunction] = [:]
        for function in SprigStringFunctions.all + SprigCollectionFunctions.all + SprigValueFunctions.all
            + SprigURLFunctions.all + checks
        {
            table[function.name] = FilterFunction(
                "sprig." + function.name, function.arity, pattern: function.patternArgument, function.body)
        }
        // Sprig's must* variants return an error where the plain ones panic; here both are errors.
        for name in mustVariants {
            let plain = table[name]!
            let must = "must" + name.prefix(1).uppercased() + name.dropFirst()
            table[must] = FilterFunction("sprig." + must, plain.arity, pattern: plain.patternArgument, plain.body)
        }
        for (alias, name) in aliases {
            let original = table[name]!
            table[alias] = FilterFunction("sprig." + alias, original.arity, pattern: original.patternArgument, original.body)
        }
        return table
    }()

    /// Sprig names that do here exactly what another does: on Linux Go's `filepath` is `path`, so
    /// `osBase` is `base`; `trimall` is `trimAll` (sprig keeps both spellings); and no value a
    /// filter sees is a pointer, so `typeIsLike` (`T` or `*T`) is `typeIs`.
    private static let aliases = [
        "osBase": "base", "osClean": "clean", "osDir": "dir", "osExt": "ext", "osIsAbs": "isAbs",
        "trimall": "trimAll", "typeIsLike": "typeIs",
    ]

    private static let mustVariants = [
        "first", "last", "rest", "initial", "append", "push", "prepend", "reverse", "uniq", "without", "has", "compact",
        "slice", "chunk", "regexFind", "regexFindAll", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit",
        "merge", "mergeOverwrite", "deepCopy", "toPrettyJson", "toRawJson", "regexMatch",
    ]

    private static let checks: [FilterFunction] = [
        FilterFunction("fail", 1) { call throws(FilterEvaluationError) in throw call.fail(SprigFunctions.text(call[0])) },
        FilterFunction("hello", 0) { _ throws(FilterEvaluationError) in .string("Hello!") },
    ]

    /// Sprig's `strval`: text as is, anything else as Go's `%v` prints it.
    static func text(_ value: FilterValue) -> String {
        if case .string(let text) = value { return text }
        return GoFormatting.text(value)
    }

    /// spf13/cast's ToInt64, which sprig uses: lenient, and 0 for what does not convert.
    static func int64(_ value: FilterValue) -> Int64 {
        switch value {
        case .int(let number): return number
        case .float(let number): return number.isFinite && abs(number) < 9.2e18 ? Int64(number) : 0
        case .bool(let flag): return flag ? 1 : 0
        case .duration(let span): return span
        case .string(let text):
            let trimmed = text.trimmingSpaces
            if let number = Int64(trimmed) { return number }
            if trimmed.hasPrefix("0x") || trimmed.hasPrefix("0X") { return Int64(trimmed.dropFirst(2), radix: 16) ?? 0 }
            return 0
        default: return 0
        }
    }

    /// spf13/cast's ToFloat64.
    static func float64(_ value: FilterValue) -> Double {
        switch value {
        case .int(let number): return Double(number)
        case .float(let number): return number
        case .bool(let flag): return flag ? 1 : 0
        case .duration(let span): return Double(span)
        case .string(let text): return Double(text.trimmingSpaces) ?? 0
        default: return 0
        }
    }

    /// A list argument as sprig accepts it (a list; nil reads as empty for the lenient functions).
    static func list(_ call: FilterCall, _ position: Int) throws(FilterEvaluationError) -> [FilterValue] {
        switch call[position] {
        case .list(let items): return items
        default: throw call.wrongKind(position, expected: "a list")
        }
    }

    /// Go's reflect names for `typeOf`, as a value decoded from JSON or written in an expression has them.
    static func goTypeName(_ value: FilterValue) -> String {
        switch value {
        case .null: return "<nil>"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float64"
        case .string: return "string"
        case .list: return "[]interface {}"
        case .map: return "map[string]interface {}"
        case .time: return "time.Time"
        case .duration: return "time.Duration"
        }
    }

    static func goKindName(_ value: FilterValue) -> String {
        switch value {
        case .null: return "invalid"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float64"
        case .string: return "string"
        case .list: return "slice"
        case .map: return "map"
        case .time: return "struct"
        case .duration: return "int64"
        }
    }
}
