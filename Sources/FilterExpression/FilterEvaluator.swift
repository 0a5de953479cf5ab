/// Walks a parsed expression against one environment. Semantics follow expr-lang, which Argo
/// uses: `==` between different kinds is false rather than an error, ordering and arithmetic
/// between different kinds are errors, a missing map key reads as nil, and `&&`/`||` stop early.
/// Every node evaluated and every element a range, predicate or function touches is charged
/// to the budget first, so evaluation always ends.
final class FilterEvaluator {
    private let environment: FilterEnvironment
    private let budget: FilterBudget
    private let patterns: FilterPatternCache
    /// The elements of enclosing predicates, innermost last: `#`, `#index`, `#acc`.
    private var frames: [(element: FilterValue, index: Int, accumulator: FilterValue)] = []
    /// Values of enclosing `let`s, innermost last.
    private var bindings: [(name: String, value: FilterValue)] = []

    init(environment: FilterEnvironment, budget: FilterBudget, patterns: [String: FilterRegex]) {
        self.environment = environment
        self.budget = budget
        self.patterns = FilterPatternCache(compiled: patterns)
    }

    func evaluate(_ node: FilterNode) throws(FilterEvaluationError) -> FilterValue {
        let result = try evaluateNode(node)
        switch node.kind {
        case .list, .map, .call, .predicate: try checkNesting(result, column: node.column)
        default: break
        }
        return result
    }

    /// Values built during evaluation may nest at most this deep, so comparing, printing or
    /// releasing them never recurses far (`reduce(1..100000, [#acc], [])` would nest 100,000 deep).
    static let maximumValueDepth = 100

    /// Walks a freshly built value without recursion, charging one step per container visited.
    @inline(never)
    private func checkNesting(_ value: FilterValue, column: Int) throws(FilterEvaluationError) {
        var pending: [(FilterValue, Int)] = [(value, 1)]
        var visited = 0
        while let (current, depth) = pending.popLast() {
            let children: [FilterValue]
            switch current {
            case .list(let items): children = items
            case .map(let entries): children = Array(entries.values)
            default: continue
            }
            visited += 1
            guard depth <= Self.maximumValueDepth else {
                throw FilterEvaluationError(
                    "the value built here nests more than \(Self.maximumValueDepth) levels deep", column: column)
            }
            for child in children {
                switch child {
                case .list, .map: pending.append((child, depth + 1))
                default: break
                }
            }
        }
        try budget.charge(visited, column: column)
    }

    /// Only dispatches: every case's work lives in a function of its own, so this frame, which
    /// recursion repeats once per tree level, stays small (adapters run on 1 MiB stacks).
    private func evaluateNode(_ node: FilterNode) throws(FilterEvaluationError) -> FilterValue {
        try budget.charge(1, column: node.column)
        switch node.kind {
        case .literal(let value): return value
        case .variable(let name): return variable(name)
        case .environment: return .map(environment.variables)
        case .pointer(let name): return pointer(name)
        case .list(let items): return try list(items)
        case .map(let pairs): return try map(pairs)
        case .member: return try chain(node) ?? .null
        case .slice(let base, let from, let to): return try slice(base, from, to, column: node.column)
        case .unary(let op, let operand): return try unary(op, try evaluate(operand), column: node.column)
        case .binary(let op, let left, let right): return try binary(op, left, right, column: node.column)
        case .matchesPattern(let subject, let regex): return try matches(subject, regex, column: node.column)
        case .conditional(let condition, let then, let otherwise):
            return try conditional(condition, then, otherwise, column: node.column)
        case .call(let function, let arguments): return try call(function, arguments, column: node.column)
        case .predicate(let predicate, let collection, let closure, let initial):
            return try FilterPredicateEvaluation(evaluator: self, column: node.column).run(
                predicate, over: try evaluate(collection), closure: closure, initial: initial)
        case .method(let base, let name, let arguments): return try method(base, name, arguments, column: node.column)
        case .binding(let name, let value, let body): return try binding(name, value, body)
        }
    }

    @inline(never)
    private func variable(_ name: String) -> FilterValue {
        if let bound = bindings.last(where: { $0.name == name }) { return bound.value }
        return environment[name]
    }

    @inline(never)
    private func pointer(_ name: String) -> FilterValue {
        guard let frame = frames.last else { return .null }
        switch name {
        case "index": return .int(Int64(frame.index))
        case "acc": return frame.accumulator
        default: return frame.element
        }
    }

    @inline(never)
    private func list(_ items: [FilterNode]) throws(FilterEvaluationError) -> FilterValue {
        var values: [FilterValue] = []
        values.reserveCapacity(items.count)
        for item in items { values.append(try evaluate(item)) }
        return .list(values)
    }

    @inline(never)
    private func map(_ pairs: [(key: FilterNode, value: FilterNode)]) throws(FilterEvaluationError) -> FilterValue {
        var entries: [String: FilterValue] = [:]
        for pair in pairs {
            let key = try evaluate(pair.key)
            guard case .string(let name) = key else {
                throw FilterEvaluationError("a map key must be a string, got \(key.kindName)", column: pair.key.column)
            }
            entries[name] = try evaluate(pair.value)
        }
        return .map(entries)
    }

    @inline(never)
    private func slice(_ base: FilterNode, _ from: FilterNode?, _ to: FilterNode?, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        try slice(try evaluate(base), from: try from.map(evaluate), to: try to.map(evaluate), column: column)
    }

    @inline(never)
    private func binary(_ op: FilterBinaryOperator, _ left: FilterNode, _ right: FilterNode, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        switch op {
        case .and:
            guard try boolean(left, for: "&&", column: column) else { return .bool(false) }
            return .bool(try boolean(right, for: "&&", column: column))
        case .or:
            if try boolean(left, for: "||", column: column) { return .bool(true) }
            return .bool(try boolean(right, for: "||", column: column))
        case .coalesce:
            let value = try evaluate(left)
            return value == .null ? try evaluate(right) : value
        default:
            return try binary(op, try evaluate(left), try evaluate(right), column: column)
        }
    }

    @inline(never)
    private func matches(_ subject: FilterNode, _ regex: FilterRegex, column: Int) throws(FilterEvaluationError)
        -> FilterValue
    {
        let text = try string(try evaluate(subject), for: "matches", column: column)
        try budget.chargeText(text.utf8.count, column: column)
        return .bool(try regex.checkedMatch(text, column: column) != nil)
    }

    @inline(never)
    private func conditional(_ condition: FilterNode, _ then: FilterNode, _ otherwise: FilterNode, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        let value = try evaluate(condition)
        guard case .bool(let flag) = value else {
            throw FilterEvaluationError("the condition of ?: must be a boolean, got \(value.kindName)", column: column)
        }
        return try evaluate(flag ? then : otherwise)
    }

    @inline(never)
    private func call(_ function: FilterFunction, _ argumentNodes: [FilterNode], column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        var arguments: [FilterValue] = []
        arguments.reserveCapacity(argumentNodes.count)
        for argument in argumentNodes { arguments.append(try evaluate(argument)) }
        return try function.body(
            FilterCall(name: function.name, arguments: arguments, column: column, budget: budget, patterns: patterns))
    }

    @inline(never)
    private func method(_ base: FilterNode, _ name: String, _ argumentNodes: [FilterNode], column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        let receiver = try evaluate(base)
        var arguments: [FilterValue] = []
        for argument in argumentNodes { arguments.append(try evaluate(argument)) }
        return try FilterMethods.call(name, on: receiver, arguments, column: column)
    }

    @inline(never)
    private func binding(_ name: String, _ value: FilterNode, _ body: FilterNode) throws(FilterEvaluationError)
        -> FilterValue
    {
        bindings.append((name, try evaluate(value)))
        defer { bindings.removeLast() }
        return try evaluate(body)
    }

    /// Runs `closure` with `element` as `#`.
    func evaluate(_ closure: FilterNode, element: FilterValue, index: Int, accumulator: FilterValue = .null)
        throws(FilterEvaluationError) -> FilterValue
    {
        frames.append((element, index, accumulator))
        defer { frames.removeLast() }
        return try evaluate(closure)
    }

    var steps: FilterBudget { budget }

    /// A member access, or nil when an optional link (`?.`) met nil and the rest of the chain is skipped.
    private func chain(_ node: FilterNode) throws(FilterEvaluationError) -> FilterValue? {
        guard case .member(let baseNode, let keyNode, let optional) = node.kind else { return try evaluate(node) }
        try budget.charge(1, column: node.column)
        guard let base = try chain(baseNode) else { return nil }
        if optional, base == .null { return nil }
        return try member(of: base, key: try evaluate(keyNode), column: node.column)
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

    private func member(of base: FilterValue, key: FilterValue, column: Int) throws(FilterEvaluationError) -> FilterValue {
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
        case (.null, _):
            throw FilterEvaluationError("cannot read \(key.preview) from nil (use ?. to allow a missing value)", column: column)
        case (.map, _):
            throw FilterEvaluationError("a map key must be a string, got \(key.kindName)", column: column)
        default:
            throw FilterEvaluationError("cannot read \(key.preview) from a \(base.kindName)", column: column)
        }
    }

    private func slice(_ base: FilterValue, from: FilterValue?, to: FilterValue?, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        func bound(_ value: FilterValue?, _ fallback: Int, count: Int) throws(FilterEvaluationError) -> Int {
            guard let value else { return fallback }
            guard case .int(let number) = value else {
                throw FilterEvaluationError("a slice bound must be an integer, got \(value.kindName)", column: column)
            }
            let position = number < 0 ? Int64(count) + number : number
            return Int(max(0, min(Int64(count), position)))
        }
        switch base {
        case .list(let items):
            let start = try bound(from, 0, count: items.count)
            let end = try bound(to, items.count, count: items.count)
            try budget.charge(max(0, end - start), column: column)
            return .list(start < end ? Array(items[start..<end]) : [])
        case .string(let text):
            // Go slices strings by byte.
            let bytes = Array(text.utf8)
            let start = try bound(from, 0, count: bytes.count)
            let end = try bound(to, bytes.count, count: bytes.count)
            try budget.chargeText(max(0, end - start), column: column)
            return .string(start < end ? String(decoding: bytes[start..<end], as: UTF8.self) : "")
        default:
            throw FilterEvaluationError("cannot slice a \(base.kindName)", column: column)
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
            let regex = try patterns.regex(pattern, budget: budget, column: column)
            try budget.chargeText(text.utf8.count, column: column)
            return .bool(try regex.checkedMatch(text, column: column) != nil)
        case .contains, .startsWith, .endsWith:
            guard case .string(let text) = left, case .string(let part) = right else {
                throw FilterEvaluationError(
                    "operator \(op.rawValue) needs two strings, got \(left.kindName) and \(right.kindName)", column: column)
            }
            try budget.chargeText(text.utf8.count, column: column)
            // Byte-wise, as Go compares strings, so canonically equivalent but differently
            // encoded text does not match.
            switch op {
            case .contains: return .bool(GoStrings.contains(text, part))
            case .startsWith: return .bool(text.utf8.starts(with: part.utf8))
            default: return .bool(GoStrings.hasSuffix(text, part))
            }
        case .range:
            guard case .int(let low) = left, case .int(let high) = right else {
                throw FilterEvaluationError(
                    "operator .. needs two integers, got \(left.kindName) and \(right.kindName)", column: column)
            }
            guard low <= high else { return .list([]) }
            // Charged before building, so a huge range fails at once instead of allocating.
            let (span, overflow) = high.subtractingReportingOverflow(low)
            try budget.charge(overflow || span >= Int64(Int.max) ? Int.max : Int(span) + 1, column: column)
            return .list((low...high).map(FilterValue.int))
        case .add:
            if case .string(let a) = left, case .string(let b) = right {
                try budget.chargeText(a.utf8.count + b.utf8.count, column: column)
                return .string(a + b)
            }
            if case .list(let a) = left, case .list(let b) = right {
                try budget.charge(a.count + b.count, column: column)
                return .list(a + b)
            }
            return try FilterArithmetic.apply(op, left, right, column: column)
        case .subtract, .multiply, .divide, .remainder, .power:
            return try FilterArithmetic.apply(op, left, right, column: column)
        case .and, .or, .coalesce:
            preconditionFailure("&&, || and ?? short-circuit in binary(_:_:_:column:) over nodes")
        }
    }

    private func contained(_ needle: FilterValue, in haystack: FilterValue, column: Int) throws(FilterEvaluationError)
        -> Bool
    {
        switch haystack {
        case .list(let items):
            try budget.charge(items.count, column: column)
            return items.contains { FilterComparison.equal(needle, $0) }
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
