/// A compiled `filter.expression`: the subset of expr-lang (the language Argo Events uses)
/// that EventSource filters are written in. Parse once when the spec is validated, then
/// evaluate per event; a program is an immutable value and may be shared between threads.
///
/// Grammar, loosest binding first (all binary operators are left-associative):
///
///     expression := or
///     or         := and   { ("||" | "or")  and }
///     and        := rel   { ("&&" | "and") rel }
///     rel        := sum   { ("==" | "!=" | "<" | "<=" | ">" | ">="
///                          | ["not"] ("in" | "matches" | "contains" | "startsWith" | "endsWith")) sum }
///     sum        := prod  { ("+" | "-") prod }
///     prod       := unary { ("*" | "/" | "%") unary }
///     unary      := ("!" | "not") prod
///                 | ("-" | "+") unary | postfix
///     postfix    := primary { "." name | "?." name | "[" expression "]" }
///     primary    := number | string | "true" | "false" | "nil" | name
///                 | function "(" expression ")" | "(" expression ")" | "[" [expression {"," expression} [","]] "]"
///     function   := "asInt" | "asFloat" | "len"      (also expr's names "int" and "float")
///     number     := 42 | 1_000 | 0x1F | 1.5 | .5 | 2e10
///     string     := "double" | 'single' (escapes \n \t \r \0 \\ \' \" \xHH \uHHHH) | `raw`
///
/// As in expr-lang, `!`/`not` binds tighter than `+` and comparisons but looser than `*`:
/// `!a == b` means `(!a) == b`, while `!a * b` means `!(a * b)`.
///
/// Meaning, following expr-lang:
/// - `==`/`!=` compare any two values; different kinds are simply unequal (`"1" == 1` is
///   false), while ints and floats compare by value. Strings compare byte for byte.
/// - `< <= > >=` need two numbers or two strings; anything else, nil included, is an
///   evaluation error such as "cannot compare string with number".
/// - `&&`, `||`, `!` need booleans and short-circuit.
/// - `x in list` tests membership with `==`; `key in map` tests for a key; `in nil` is false.
/// - `matches` is an unanchored regular-expression search (Swift `Regex` syntax, close to
///   RE2 for ordinary patterns); a literal pattern is compiled, and checked, at parse time.
/// - `contains`, `startsWith`, `endsWith` need two strings.
/// - `+ - * %` keep integers integral (overflow is an error); `/` always yields a float;
///   `%` needs integers; `+` also concatenates two strings.
/// - A missing map key, or an unknown variable, reads as nil; reading a field of nil is an
///   error unless written `?.`. List indexes may be negative, counting from the end.
/// - `asInt` accepts an integer, a float (truncated) or a string holding an integer;
///   `asFloat` a number or a numeric string; `len` counts a string's code points, or a
///   list's or map's entries.
///
/// Nesting is capped at `maximumDepth` levels, so hostile input fails to parse instead of
/// exhausting the stack.
public struct FilterProgram: Sendable {
    public static let maximumDepth = 100

    /// The expression as written.
    public let source: String
    private let root: FilterNode

    /// - Parameter knownVariables: when given, a name outside this set is a syntax error,
    ///   so a typo such as `value.x` for `values.x` is caught by validation instead of
    ///   reading as nil for every event.
    public static func parse(_ source: String, knownVariables: Set<String>? = nil) throws(FilterSyntaxError)
        -> FilterProgram
    {
        FilterProgram(
            source: source,
            root: try FilterParser.parse(source, knownVariables: knownVariables, maximumDepth: maximumDepth))
    }

    /// The variables Argo gives a Redis stream filter.
    public static let redisStreamVariables: Set<String> = ["stream", "message_id", "values", "metadata"]

    /// Whether the event passes; a result that is not a boolean is an error.
    public func evaluate(_ environment: FilterEnvironment) throws(FilterEvaluationError) -> Bool {
        let result = try value(in: environment)
        guard case .bool(let passes) = result else {
            throw FilterEvaluationError("the filter must produce a boolean, got \(result.kindName)", column: 1)
        }
        return passes
    }

    /// The expression's value, whatever its kind.
    public func value(in environment: FilterEnvironment) throws(FilterEvaluationError) -> FilterValue {
        try FilterEvaluator(environment: environment).evaluate(root)
    }
}
