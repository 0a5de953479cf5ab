/// The parsed form of an expression. `column` points at the token that names the
/// operation, so evaluation errors can say where they happened.
struct FilterNode: Sendable {
    indirect enum Kind: Sendable {
        case literal(FilterValue)
        case variable(String)
        case list([FilterNode])
        /// `base.key`, `base["key"]`, `base[index]`; `optional` for `?.`, which yields nil on a nil base.
        case member(base: FilterNode, key: FilterNode, optional: Bool)
        case unary(FilterUnaryOperator, FilterNode)
        case binary(FilterBinaryOperator, FilterNode, FilterNode)
        /// `matches` with a literal pattern, compiled once when parsed.
        case matchesPattern(FilterNode, RegexPattern)
        case call(FilterFunction, [FilterNode])
    }

    let kind: Kind
    let column: Int
    /// Levels of nodes below and including this one; bounded so evaluation cannot exhaust the stack.
    let height: Int

    init(_ kind: Kind, column: Int, children: [FilterNode] = []) {
        self.kind = kind
        self.column = column
        height = 1 + (children.map(\.height).max() ?? 0)
    }
}

enum FilterUnaryOperator: String, Sendable {
    case not = "!"
    case negate = "-"
    case plus = "+"
}

enum FilterBinaryOperator: String, Sendable {
    case or = "||"
    case and = "&&"
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case `in` = "in"
    case matches = "matches"
    case contains = "contains"
    case startsWith = "startsWith"
    case endsWith = "endsWith"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"

    /// expr-lang's precedences; higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: return 10
        case .and: return 15
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
            .in, .matches, .contains, .startsWith, .endsWith:
            return 20
        case .add, .subtract: return 30
        case .multiply, .divide, .remainder: return 60
        }
    }

    /// The operators `not` may prefix, as in `a not in b`.
    var isNegatable: Bool {
        switch self {
        case .in, .matches, .contains, .startsWith, .endsWith: return true
        default: return false
        }
    }

    /// The symbol or word that spells the operator in an expression.
    static func spelled(_ token: FilterToken) -> FilterBinaryOperator? {
        switch token.kind {
        case .symbol(let symbol):
            return FilterBinaryOperator(rawValue: symbol)
        case .identifier(let word):
            switch word {
            case "and": return .and
            case "or": return .or
            case "in", "matches", "contains", "startsWith", "endsWith": return FilterBinaryOperator(rawValue: word)
            default: return nil
            }
        default:
            return nil
        }
    }
}

/// A regular expression given as a literal, compiled at parse time.
struct RegexPattern: Sendable {
    let source: String
    // The standard library does not declare Regex Sendable yet. Matching only reads the
    // compiled program, whose lazy lowering is initialised atomically, so sharing one across
    // threads is safe; recompiling per event would cost far more.
    nonisolated(unsafe) let regex: Regex<AnyRegexOutput>

    init(_ source: String) throws {
        self.source = source
        regex = try Self.compile(source)
    }

    /// Matches code point by code point, as Go's regexp does, rather than Swift's default of
    /// whole grapheme clusters with canonical equivalence.
    static func compile(_ source: String) throws -> Regex<AnyRegexOutput> {
        try Regex(source).matchingSemantics(.unicodeScalar)
    }
}
