/// Sprig's list and dict functions. They return new values; nothing is modified in place.
enum SprigCollectionFunctions {
    static let all: [FilterFunction] = lists + dicts

    private static let lists: [FilterFunction] = [
        FilterFunction("list", 0...Int.max) { c throws(FilterEvaluationError) in .list(c.arguments) },
        FilterFunction("tuple", 0...Int.max) { c throws(FilterEvaluationError) in .list(c.arguments) },
        FilterFunction("first", 1) { c throws(FilterEvaluationError) in try SprigFunctions.list(c, 0).first ?? .null },
        FilterFunction("last", 1) { c throws(FilterEvaluationError) in try SprigFunctions.list(c, 0).last ?? .null },
        FilterFunction("rest", 1) { c throws(FilterEvaluationError) in .list(Array(try SprigFunctions.list(c, 0).dropFirst())) },
        FilterFunction("initial", 1) { c throws(FilterEvaluationError) in .list(Array(try SprigFunctions.list(c, 0).dropLast())) },
        FilterFunction("append", 2) { c throws(FilterEvaluationError) in .list(try SprigFunctions.list(c, 0) + [c[1]]) },
        FilterFunction("push", 2) { c throws(FilterEvaluationError) in .list(try SprigFunctions.list(c, 0) + [c[1]]) },
        FilterFunction("prepend", 2) { c throws(FilterEvaluationError) in .list([c[1]] + (try SprigFunctions.list(c, 0))) },
        FilterFunction("concat", 0...Int.max) { c throws(FilterEvaluationError) in
            var items: [FilterValue] = []
            for position in 0..<c.count { items += try SprigFunctions.list(c, position) }
            try c.charge(items.count)
            return .list(items)
        },
        FilterFunction("reverse", 1) { c throws(FilterEvaluationError) in .list(try SprigFunctions.list(c, 0).reversed()) },
        FilterFunction("uniq", 1) { c throws(FilterEvaluationError) in
            let items = try SprigFunctions.list(c, 0)
            try c.charge(items.count * items.count / 16 + items.count)
            var unique: [FilterValue] = []
            for item in items where !unique.contains(where: { FilterComparison.equal($0, item) }) { unique.append(item) }
            return .list(unique)
        },
        FilterFunction("without", 1...Int.max) { c throws(FilterEvaluationError) in
            let excluded = Array(c.arguments.dropFirst())
            return .list(try SprigFunctions.list(c, 0).filter { item in !excluded.contains { FilterComparison.equal($0, item) } })
        },
        FilterFunction("has", 2) { c throws(FilterEvaluationError) in
            .bool(try SprigFunctions.list(c, 1).contains { FilterComparison.equal($0, c[0]) })
        },
        FilterFunction("compact", 1) { c throws(FilterEvaluationError) in .list(try SprigFunctions.list(c, 0).filter { !$0.isEmptyValue }) },
        FilterFunction("slice", 1...3) { c throws(FilterEvaluationError) in
            let items = try SprigFunctions.list(c, 0)
            let start = c.count > 1 ? Int(SprigFunctions.int64(c[1])) : 0
            let end = c.count > 2 ? Int(SprigFunctions.int64(c[2])) : items.count
            guard start >= 0, end <= items.count, start <= end else { throw c.fail("slice bounds out of range [\(start):\(end)]") }
            return .list(Array(items[start..<end]))
        },
        FilterFunction("chunk", 2) { c throws(FilterEvaluationError) in
            let size = Int(SprigFunctions.int64(c[0]))
            let items = try SprigFunctions.list(c, 1)
            guard size > 0 else { throw c.fail("chunk size must be positive") }
            return .list(stride(from: 0, to: items.count, by: size).map { .list(Array(items[$0..<($0 + min(size, items.count - $0))])) })
        },
        FilterFunction("until", 1) { c throws(FilterEvaluationError) in try sequence(c, 0, SprigFunctions.int64(c[0]), 1) },
        FilterFunction("untilStep", 3) { c throws(FilterEvaluationError) in
            try sequence(c, SprigFunctions.int64(c[0]), SprigFunctions.int64(c[1]), SprigFunctions.int64(c[2]))
        },
    ]

    private static let dicts: [FilterFunction] = [
        FilterFunction("dict", 0...Int.max) { c throws(FilterEvaluationError) in
            var entries: [String: FilterValue] = [:]
            var position = 0
            while position < c.count {
                entries[SprigFunctions.text(c[position])] = position + 1 < c.count ? c[position + 1] : .string("")
                position += 2
            }
            return .map(entries)
        },
        FilterFunction("get", 2) { c throws(FilterEvaluationError) in try c.map(0)[try c.string(1)] ?? .string("") },
        FilterFunction("set", 3) { c throws(FilterEvaluationError) in
            var entries = try c.map(0)
            entries[try c.string(1)] = c[2]
            return .map(entries)
        },
        FilterFunction("unset", 2) { c throws(FilterEvaluationError) in
            var entries = try c.map(0)
            entries[try c.string(1)] = nil
            return .map(entries)
        },
        FilterFunction("hasKey", 2) { c throws(FilterEvaluationError) in .bool(try c.map(0)[try c.string(1)] != nil) },
        FilterFunction("pluck", 1...Int.max) { c throws(FilterEvaluationError) in
            let key = try c.string(0)
            var found: [FilterValue] = []
            for position in 1..<c.count { if let value = try c.map(position)[key] { found.append(value) } }
            return .list(found)
        },
        FilterFunction("keys", 0...Int.max) { c throws(FilterEvaluationError) in
            var keys: [FilterValue] = []
            for position in 0..<c.count { keys += try c.map(position).keys.sorted(by: GoFormatting.utf8Less).map(FilterValue.string) }
            return .list(keys)
        },
        FilterFunction("values", 1) { c throws(FilterEvaluationError) in
            let entries = try c.map(0)
            return .list(entries.keys.sorted(by: GoFormatting.utf8Less).map { entries[$0]! })
        },
        FilterFunction("pick", 1...Int.max) { c throws(FilterEvaluationError) in
            let entries = try c.map(0)
            var picked: [String: FilterValue] = [:]
            for position in 1..<c.count {
                let key = try c.string(position)
                if let value = entries[key] { picked[key] = value }
            }
            return .map(picked)
        },
        FilterFunction("omit", 1...Int.max) { c throws(FilterEvaluationError) in
            var entries = try c.map(0)
            for position in 1..<c.count { entries[try c.string(position)] = nil }
            return .map(entries)
        },
        FilterFunction("merge", 1...Int.max) { c throws(FilterEvaluationError) in try merge(c, overwrite: false) },
        FilterFunction("mergeOverwrite", 1...Int.max) { c throws(FilterEvaluationError) in try merge(c, overwrite: true) },
        FilterFunction("dig", 3...Int.max) { c throws(FilterEvaluationError) in
            // dig "a" "b" default dict
            let dictionary = try c.map(c.count - 1)
            let fallback = c[c.count - 2]
            var current: FilterValue = .map(dictionary)
            for position in 0..<(c.count - 2) {
                guard case .map(let entries) = current, let next = entries[try c.string(position)] else { return fallback }
                current = next
            }
            return current
        },
        FilterFunction("deepCopy", 1) { c throws(FilterEvaluationError) in c[0] },
    ]

    /// Sprig's merge: keys missing from the destination (the first map) are filled from the
    /// others in order, recursively for nested maps; `mergeOverwrite` lets later maps win.
    private static func merge(_ c: FilterCall, overwrite: Bool) throws(FilterEvaluationError) -> FilterValue {
        var result = try c.map(0)
        for position in 1..<c.count {
            result = combine(result, try c.map(position), overwrite: overwrite)
        }
        return .map(result)
    }

    private static func combine(_ base: [String: FilterValue], _ other: [String: FilterValue], overwrite: Bool)
        -> [String: FilterValue]
    {
        var result = base
        for (key, value) in other {
            if case .map(let existing)? = result[key], case .map(let incoming) = value {
                result[key] = .map(combine(existing, incoming, overwrite: overwrite))
            } else if result[key] == nil || overwrite {
                result[key] = value
            }
        }
        return result
    }

    private static func sequence(_ c: FilterCall, _ start: Int64, _ stop: Int64, _ step: Int64)
        throws(FilterEvaluationError) -> FilterValue
    {
        guard step != 0, (step > 0) == (start < stop) else { return .list([]) }
        // In floating point, so hostile bounds cannot overflow before the budget refuses them.
        let count = ((Double(stop) - Double(start)) / Double(step)).rounded(.up)
        try c.charge(count < 1e15 ? Int(count) : Int.max)
        return .list(stride(from: start, to: stop, by: Int64.Stride(step)).map(FilterValue.int))
    }
}
