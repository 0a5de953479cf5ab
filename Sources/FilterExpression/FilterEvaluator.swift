/// Walks a parsed expression against one environment. Semantics follow expr-lang, which Argo
/// uses: `==` between different kinds is false rather than an error, ordering and arithmetic
/// between different kinds are errors, a missing map key reads as nil, and `&&`/`||` stop early.
struct FilterEvaluator {
    let environment: FilterEnvironment

    func evaluate(_ node: FilterNode) throws(FilterEvaluationError) -> FilterValue {
        switch node.kind {
        case .literal(let value):
            return value
        case .variable(let name):
            return environment[name]
        case .list(let items):
            var values: [FilterValue] = []
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .member(let base, let key, let optional):
            return try member(of: try evaluate(base), key: try evaluate(key), optional: optional, column: node.column)
        case .unary(let op, let operand):
            return try unary(op, try evaluate(operand), column: node.column)
        case .binary(.and, let left, let right):
            guard try boolean(left, for: "&&", column: node.column) else { return .bool(false) }
            return .bool(try boolean(right, for: "&&", column: node.column))
        case .binary(.or, let left, let right):
            if try boolean(left, for: "||", column: node.column) { return .bool(true) }
            return .bool(try boolean(right, for: "||", column: node.column))
        case .binary(let op, let left, let right):
            return try binary(op, try evaluate(left), try evaluate(right), column: node.column)
        case .matchesPattern(let subject, let pattern):
            let text = try string(try evaluate(subject), for: "matches", column: node.column)
            return .bool(Self.matches(text, pattern.regex))
        case .call(let function, let arguments):
            return try function.apply(try evaluate(arguments[0]), column: node.column)
        }
    }

    private func boolean(_ node: FilterNode, for op: String, column: Int) throws(FilterEvaluationError) -> Bool {
        let value = try evaluate(node)
        guard case .bool(let flag) = value else {
            throw FilterEvaluationError("operator \(op) needs booleans, got \(value.kindName)", column: column)
        }
        return flag
    }

    private func string(_ value: FilterValue, for op: String, column: Int) throws(FilterEvaluationError) -> String {
        guard case .string(let text) = value else {
            throw FilterEvaluationError("operator \(op) needs a string on its left, got \(value.kindName)", column: column)
        }
        return text
    }

    private static func matches(_ text: String, _ regex: Regex<AnyRegexOutput>) -> Bool {
        // Unanchored, like Go's regexp.MatchString.
        (try? regex.firstMatch(in: text)) != nil
    }

    private func member(of base: FilterValue, key: FilterValue, optional: Bool, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        switch (base, key) {
        case (.map(let entries), .string(let name)):
            return entries[name] ?? .null
        case (.list(let items), _):
            guard case .int(let requested) = key else {
                throw FilterEvaluationError("a list index must be an integer, got \(key.kindName)", column: column)
            }
            // Negative indexes count from the end, as in expr-lang.
            let index = requested < 0 ? Int64(items.count) + requested : requested
            guard index >= 0, index < items.count else {
                throw FilterEvaluationError(
                    "index \(requested) out of range for a list of \(items.count)", column: column)
            }
            return items[Int(index)]
        case (.null, _) where optional:
            return .null
        case (.null, _):
            throw FilterEvaluationError("cannot read \(key.preview) from nil (use ?. to allow a missing value)", column: column)
        case (.map, _):
            throw FilterEvaluationError("a map key must be a string, got \(key.kindName)", column: column)
        default:
            throw FilterEvaluationError("cannot read \(key.preview) from a \(base.kindName)", column: column)
        }
    }

    private func unary(_ op: FilterUnaryOperator, _ value: FilterValue, column: Int) throws(FilterEvaluationError)
        -> FilterValue
    {
        switch (op, value) {
        case (.not, .bool(let flag)): return .bool(!flag)
        case (.negate, .int(let number)) where number != .min: return .int(-number)
        case (.negate, .float(let number)): return .float(-number)
        case (.plus, .int), (.plus, .float): return value
        case (.not, _):
            throw FilterEvaluationError("operator ! needs a boolean, got \(value.kindName)", column: column)
        case (.negate, .int):
            throw FilterEvaluationError("integer overflow in -", column: column)
        default:
            throw FilterEvaluationError("operator \(op.rawValue) needs a number, got \(value.kindName)", column: column)
        }
    }

    private func binary(_ op: FilterBinaryOperator, _ left: FilterValue, _ right: FilterValue, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        switch op {
        case .equal: return .bool(FilterComparison.equal(left, right))
        case .notEqual: return .bool(!FilterComparison.equal(left, right))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = FilterComparison.order(left, right) else {
                throw FilterEvaluationError("cannot compare \(left.kindName) with \(right.kindName)", column: column)
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .in: return .bool(try contained(left, in: right, column: column))
        case .matches:
            let text = try string(left, for: "matches", column: column)
            guard case .string(let pattern) = right else {
                throw FilterEvaluationError("operator matches needs a string pattern, got \(right.kindName)", column: column)
            }
            do {
                return .bool(Self.matches(text, try RegexPattern.compile(pattern)))
            } catch {
                throw FilterEvaluationError("invalid regular expression '\(pattern)': \(error)", column: column)
            }
        case .contains, .startsWith, .endsWith:
            guard case .string(let text) = left, case .string(let part) = right else {
                throw FilterEvaluationError(
                    "operator \(op.rawValue) needs two strings, got \(left.kindName) and \(right.kindName)", column: column)
            }
            // Byte-wise, as Go compares strings, so canonically equivalent but differently
            // encoded text does not match.
            switch op {
            case .contains: return .bool(part.utf8.isEmpty || text.utf8.firstRange(of: part.utf8) != nil)
            case .startsWith: return .bool(text.utf8.starts(with: part.utf8))
            default: return .bool(text.utf8.reversed().starts(with: part.utf8.reversed()))
            }
        case .add, .subtract, .multiply, .divide, .remainder:
            return try FilterArithmetic.apply(op, left, right, column: column)
        case .and, .or:
            preconditionFailure("&& and || short-circuit in evaluate(_:)")
        }
    }

    private func contained(_ needle: FilterValue, in haystack: FilterValue, column: Int) throws(FilterEvaluationError)
        -> Bool
    {
        switch haystack {
        case .list(let items): return items.contains { FilterComparison.equal(needle, $0) }
        case .map(let entries):
            guard case .string(let key) = needle else {
                throw FilterEvaluationError("a map key must be a string, got \(needle.kindName)", column: column)
            }
            return entries[key] != nil
        case .null: return false
        default:
            throw FilterEvaluationError(
                "operator in needs a list or map on its right, got \(haystack.kindName)", column: column)
        }
    }
}
