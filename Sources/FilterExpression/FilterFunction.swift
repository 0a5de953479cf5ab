/// A function an expression may call by name: one of expr-lang's builtins, one of Argo's
/// additions (`asInt`, `asFloat`, `jsonpath`, `toJson`), or a `sprig.*` function. Arguments are
/// evaluated before the call; the arity is checked when the expression is parsed.
struct FilterFunction: Sendable {
    typealias Body = @Sendable (FilterCall) throws(FilterEvaluationError) -> FilterValue

    /// As written in the expression, e.g. `upper` or `sprig.upper`.
    let name: String
    let arity: ClosedRange<Int>
    /// Which argument, when it is a string literal, is a regular expression to compile at parse time.
    let patternArgument: Int?
    let body: Body

    init(_ name: String, _ arity: ClosedRange<Int>, pattern: Int? = nil, _ body: @escaping Body) {
        self.name = name
        self.arity = arity
        patternArgument = pattern
        self.body = body
    }

    init(_ name: String, _ arity: Int, pattern: Int? = nil, _ body: @escaping Body) {
        self.init(name, arity...arity, pattern: pattern, body)
    }

    var arityDescription: String {
        if arity.lowerBound == arity.upperBound {
            return "\(arity.lowerBound) argument\(arity.lowerBound == 1 ? "" : "s")"
        }
        if arity.upperBound == Int.max { return "at least \(arity.lowerBound) arguments" }
        return "\(arity.lowerBound) to \(arity.upperBound) arguments"
    }
}

/// One call in progress: its arguments, where it stands, and the evaluation's budget and patterns.
struct FilterCall {
    let name: String
    let arguments: [FilterValue]
    let column: Int
    let budget: FilterBudget
    let patterns: FilterPatternCache

    var count: Int { arguments.count }

    subscript(position: Int) -> FilterValue {
        position < arguments.count ? arguments[position] : .null
    }

    func fail(_ message: String) -> FilterEvaluationError {
        FilterEvaluationError("\(name)(): \(message)", column: column)
    }

    func wrongKind(_ position: Int, expected: String) -> FilterEvaluationError {
        fail("argument \(position + 1) must be \(expected), got \(self[position].kindName)")
    }

    func string(_ position: Int) throws(FilterEvaluationError) -> String {
        guard case .string(let text) = self[position] else { throw wrongKind(position, expected: "a string") }
        return text
    }

    func list(_ position: Int) throws(FilterEvaluationError) -> [FilterValue] {
        guard case .list(let items) = self[position] else { throw wrongKind(position, expected: "a list") }
        return items
    }

    func map(_ position: Int) throws(FilterEvaluationError) -> [String: FilterValue] {
        guard case .map(let entries) = self[position] else { throw wrongKind(position, expected: "a map") }
        return entries
    }

    func integer(_ position: Int) throws(FilterEvaluationError) -> Int64 {
        switch self[position] {
        case .int(let number): return number
        case .float(let number) where number.isFinite && abs(number) < 9.2e18: return Int64(number)
        default: throw wrongKind(position, expected: "an integer")
        }
    }

    /// A count or size that must fit in memory; charged against the budget by the caller.
    func count(_ position: Int) throws(FilterEvaluationError) -> Int {
        let number = try integer(position)
        return Int(max(0, min(number, Int64(Int32.max))))
    }

    func number(_ position: Int) throws(FilterEvaluationError) -> Double {
        switch self[position] {
        case .int(let number): return Double(number)
        case .float(let number): return number
        default: throw wrongKind(position, expected: "a number")
        }
    }

    func regex(_ position: Int) throws(FilterEvaluationError) -> FilterRegex {
        try patterns.regex(try string(position), budget: budget, column: column)
    }

    func chargeText(_ text: String) throws(FilterEvaluationError) {
        try budget.chargeText(text.utf8.count, column: column)
    }

    func chargeText(bytes: Int) throws(FilterEvaluationError) {
        try budget.chargeText(bytes, column: column)
    }

    func charge(_ steps: Int) throws(FilterEvaluationError) {
        try budget.charge(steps, column: column)
    }
}

/// Regular expressions by pattern: those written as literals were compiled when the program
/// was parsed and are shared; a pattern computed at run time is compiled once per evaluation.
final class FilterPatternCache {
    private let compiled: [String: FilterRegex]
    private var computed: [String: FilterRegex] = [:]

    init(compiled: [String: FilterRegex]) {
        self.compiled = compiled
    }

    func regex(_ pattern: String, budget: FilterBudget, column: Int) throws(FilterEvaluationError) -> FilterRegex {
        if let regex = compiled[pattern] ?? computed[pattern] { return regex }
        try budget.charge(100 + pattern.utf8.count, column: column)
        do {
            let regex = try FilterRegex(pattern)
            computed[pattern] = regex
            return regex
        } catch {
            throw FilterEvaluationError("invalid regular expression '\(pattern)': \(error)", column: column)
        }
    }
}
