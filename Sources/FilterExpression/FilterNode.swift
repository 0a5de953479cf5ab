/// The parsed form of an expression. `column` points at the token that names the
/// operation, so evaluation errors can say where they happened.
struct FilterNode: Sendable {
    indirect enum Kind: Sendable {
        case literal(FilterValue)
        /// A name from the environment, or from an enclosing `let`.
        case variable(String)
        /// `$env`: the whole environment as a map.
        case environment
        /// `#` (empty name), `#index` or `#acc` inside a predicate.
        case pointer(String)
        case list([FilterNode])
        case map([(key: FilterNode, value: FilterNode)])
        /// `base.key`, `base["key"]`, `base[index]`; `optional` for `?.`, which yields nil on a nil base
        /// and ends the rest of the chain with nil too.
        case member(base: FilterNode, key: FilterNode, optional: Bool)
        /// `base[from:to]`, either bound optional.
        case slice(base: FilterNode, from: FilterNode?, to: FilterNode?)
        case unary(FilterUnaryOperator, FilterNode)
        case binary(FilterBinaryOperator, FilterNode, FilterNode)
        /// `matches` with a literal pattern, compiled once when parsed.
        case matchesPattern(FilterNode, FilterRegex)
        /// `condition ? then : otherwise`; `a ?: b` is `a ? a : b`.
        case conditional(FilterNode, FilterNode, FilterNode)
        /// A function with evaluated arguments: expr-lang's builtins, Argo's additions, `sprig.*`.
        case call(FilterFunction, [FilterNode])
        /// `all`, `map`, `filter`, ...: a collection and a predicate evaluated once per element.
        case predicate(FilterPredicate, FilterNode, closure: FilterNode, initial: FilterNode?)
        /// `base.Name(arguments)`: a Go method on a time or duration.
        case method(base: FilterNode, name: String, arguments: [FilterNode])
        /// `let name = value; body`.
        case binding(name: String, value: FilterNode, body: FilterNode)
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

/// expr-lang's predicate builtins: their second argument is a closure over `#`.
enum FilterPredicate: String, Sendable, CaseIterable {
    case all, none, any, one, filter, map, count, find, findIndex, findLast, findLastIndex, groupBy, reduce
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
    case range = ".."
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
    case power = "**"
    case coalesce = "??"

    /// expr-lang's precedences (v1.15); higher binds tighter.
    var precedence: Int {
        switch self {
        case .or: return 10
        case .and: return 15
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual,
            .in, .matches, .contains, .startsWith, .endsWith:
            return 20
        case .range: return 25
        case .add, .subtract: return 30
        case .multiply, .divide, .remainder: return 60
        case .power: return 100
        case .coalesce: return 500
        }
    }

    var isRightAssociative: Bool { self == .power }

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
        case .symbol("^"): return .power
        case .symbol(let symbol): return FilterBinaryOperator(rawValue: symbol)
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
