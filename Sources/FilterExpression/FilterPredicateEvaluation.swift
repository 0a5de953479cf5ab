/// expr-lang's predicate builtins (`all`, `map`, `filter`, `reduce`, ...) over a list, or over
/// a map's values. Each element costs a budget step on top of what its closure costs.
struct FilterPredicateEvaluation {
    let evaluator: FilterEvaluator
    let column: Int

    func run(_ predicate: FilterPredicate, over collection: FilterValue, closure: FilterNode, initial: FilterNode?)
        throws(FilterEvaluationError) -> FilterValue
    {
        let items: [FilterValue]
        switch collection {
        case .list(let list): items = list
        case .map(let entries): items = entries.keys.sorted(by: GoFormatting.utf8Less).map { entries[$0]! }
        case .null: items = []
        default:
            throw FilterEvaluationError("\(predicate.rawValue)() needs a list, got \(collection.kindName)", column: column)
        }
        switch predicate {
        case .all:
            for (index, item) in items.enumerated() { if !(try test(closure, item, index)) { return .bool(false) } }
            return .bool(true)
        case .none:
            for (index, item) in items.enumerated() { if try test(closure, item, index) { return .bool(false) } }
            return .bool(true)
        case .any:
            for (index, item) in items.enumerated() { if try test(closure, item, index) { return .bool(true) } }
            return .bool(false)
        case .one:
            var matches = 0
            for (index, item) in items.enumerated() { if try test(closure, item, index) { matches += 1 } }
            return .bool(matches == 1)
        case .count:
            var matches: Int64 = 0
            for (index, item) in items.enumerated() { if try test(closure, item, index) { matches += 1 } }
            return .int(matches)
        case .filter:
            var kept: [FilterValue] = []
            for (index, item) in items.enumerated() { if try test(closure, item, index) { kept.append(item) } }
            return .list(kept)
        case .map:
            var mapped: [FilterValue] = []
            mapped.reserveCapacity(items.count)
            for (index, item) in items.enumerated() { mapped.append(try value(closure, item, index)) }
            return .list(mapped)
        case .find:
            for (index, item) in items.enumerated() { if try test(closure, item, index) { return item } }
            return .null
        case .findIndex:
            for (index, item) in items.enumerated() { if try test(closure, item, index) { return .int(Int64(index)) } }
            return .int(-1)
        case .findLast:
            for (index, item) in items.enumerated().reversed() { if try test(closure, item, index) { return item } }
            return .null
        case .findLastIndex:
            for (index, item) in items.enumerated().reversed() { if try test(closure, item, index) { return .int(Int64(index)) } }
            return .int(-1)
        case .groupBy:
            var groups: [String: [FilterValue]] = [:]
            for (index, item) in items.enumerated() {
                let key = try value(closure, item, index)
                groups[GoFormatting.text(key), default: []].append(item)
            }
            return .map(groups.mapValues(FilterValue.list))
        case .reduce:
            var accumulator: FilterValue
            var rest = items[...]
            if let initial {
                accumulator = try evaluator.evaluate(initial)
            } else {
                guard let first = rest.popFirst() else {
                    throw FilterEvaluationError("reduce() of an empty list needs an initial value", column: column)
                }
                accumulator = first
            }
            for (offset, item) in rest.enumerated() {
                try evaluator.steps.charge(1, column: column)
                accumulator = try evaluator.evaluate(
                    closure, element: item, index: offset + (items.count - rest.count), accumulator: accumulator)
            }
            return accumulator
        }
    }

    private func value(_ closure: FilterNode, _ item: FilterValue, _ index: Int) throws(FilterEvaluationError)
        -> FilterValue
    {
        try evaluator.steps.charge(1, column: column)
        return try evaluator.evaluate(closure, element: item, index: index)
    }

    private func test(_ closure: FilterNode, _ item: FilterValue, _ index: Int) throws(FilterEvaluationError) -> Bool {
        let result = try value(closure, item, index)
        guard case .bool(let flag) = result else {
            throw FilterEvaluationError("the predicate must produce a boolean, got \(result.kindName)", column: closure.column)
        }
        return flag
    }
}
