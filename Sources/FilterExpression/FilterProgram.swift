/// A compiled `filter.expression` in expr-lang v1.15 (the version Argo Events pins) with
/// Argo's additions. Parse once when the spec is validated, then evaluate per event; a program
/// is an immutable value and may be shared between threads.
///
/// Precedence, loosest first (as expr-lang): `|` (pipe) < `?:` < `or ||` < `and &&` <
/// `== != < <= > >= [not] in/matches/contains/startsWith/endsWith` < `..` < `+ -` <
/// `not !` < `* / %` < unary `- +` < `** ^` (right-associative) < `??`; then postfix
/// `.name`, `?.name`, `[index]`, `[from:to]`. `??` cannot be mixed with another operator
/// without parentheses. `let x = value; body` binds a name.
///
/// Literals: `42`, `1_000`, `0x1F`, `0o17`, `0b101`, `1.5`, `.5`, `2e10`, `"text"`, `'text'`
/// (Go escapes `\n \t \xHH \uHHHH \UHHHHHHHH \OOO ...`), `` `raw` `` (an extension), `true`,
/// `false`, `nil`, `[1, 2]`, `{key: 1, "k": 2, (expr): 3}`; comments `//` and `/* */`.
///
/// Functions: expr-lang's builtins (see `FilterFunctions`), predicates over lists with `#`,
/// `#index`, `#acc` and `.field` (`all any none one filter map count find findIndex findLast
/// findLastIndex groupBy reduce`), Argo's `asInt asFloat jsonpath toJson`, and
/// `sprig.<function>` (see `SprigFunctions`). `$env` is the whole environment.
///
/// Meaning, following expr-lang: `==` between different kinds is false; ordering and
/// arithmetic between different kinds are errors; a missing key reads as nil and reading from
/// nil is an error unless written `?.`; `/` and `**` give floats; `matches` is an unanchored
/// search with RE2 syntax (run by PCRE2 with limits, see `FilterRegex`); strings compare, index
/// and measure (`len`) by bytes, as Go does. Integer overflow is an error, where Go would wrap.
///
/// Nesting is capped at `maximumDepth` levels, so hostile input fails to parse instead of
/// exhausting the stack, and evaluation is bounded by a `FilterBudget`.
public struct FilterProgram: Sendable {
    /// 64 levels: far beyond any real filter, and small enough that the deepest expression
    /// evaluates with room to spare on an adapter's 1 MiB stack, even in a debug build.
    public static let maximumDepth = 64

    /// The expression as written.
    public let source: String
    private let root: FilterNode
    /// Regular expressions written as literals, compiled once at parse time.
    private let patterns: [String: FilterRegex]
    /// Top-level names the environment does not define; each reads as nil, as in Argo.
    public let unknownNames: [UnknownName]

    /// A top-level name outside the known variables: most likely a typo (`value.x` for
    /// `values.x`). Argo runs such a filter with the name as nil, and so do we; validation
    /// warns about it so the typo does not silently read as nil for every event.
    public struct UnknownName: Sendable, CustomStringConvertible {
        public let name: String
        public let column: Int
        let known: Set<String>
        public var description: String {
            "unknown name '\(name)' reads as nil, as in Argo (known: \(known.sorted().joined(separator: ", "))) at column \(column)"
        }
    }

    /// - Parameter knownVariables: when given, names outside this set are listed in `unknownNames`.
    public static func parse(_ source: String, knownVariables: Set<String>? = nil) throws(FilterSyntaxError)
        -> FilterProgram
    {
        let (root, patterns, unknownNames) = try FilterParser.parse(
            source, knownVariables: knownVariables, maximumDepth: maximumDepth)
        return FilterProgram(source: source, root: root, patterns: patterns, unknownNames: unknownNames)
    }

    /// The `sprig.<name>` functions a filter may call.
    public static var sprigFunctionNames: Set<String> { Set(SprigFunctions.all.keys) }

    /// The variables Argo gives a Redis stream filter.
    public static let redisStreamVariables: Set<String> = ["stream", "message_id", "values", "metadata"]

    /// Whether the event passes; a result that is not a boolean is an error. `budget` bounds the
    /// work (see `FilterBudget`); a fresh one per evaluation.
    public func evaluate(_ environment: FilterEnvironment, budget: FilterBudget = FilterBudget())
        throws(FilterEvaluationError) -> Bool
    {
        let result = try value(in: environment, budget: budget)
        guard case .bool(let passes) = result else {
            throw FilterEvaluationError("the filter must produce a boolean, got \(result.kindName)", column: 1)
        }
        return passes
    }

    /// The expression's value, whatever its kind.
    public func value(in environment: FilterEnvironment, budget: FilterBudget = FilterBudget())
        throws(FilterEvaluationError) -> FilterValue
    {
        try FilterEvaluator(environment: environment, budget: budget, patterns: patterns).evaluate(root)
    }
}
