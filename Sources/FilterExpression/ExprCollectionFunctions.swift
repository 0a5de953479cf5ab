/// expr-lang's (v1.15) builtins over lists and maps that take no predicate. Map keys come out
/// sorted: Go's map order is random, so no Argo filter can rely on an order anyway.
enum ExprCollectionFunctions {
    static let all: [FilterFunction] = [
        FilterFunction("first", 1) { call throws(FilterEvaluationError) in
            guard case .list(let items) = call[0] else { return .null }
            return items.first ?? .null
        },
        FilterFunction("last", 1) { call throws(FilterEvaluationError) in
            guard case .list(let items) = call[0] else { return .null }
            return items.last ?? .null
        },
        FilterFunction("get", 2) { call throws(FilterEvaluationError) in
            switch (call[0], call[1]) {
            case (.map(let entries), .string(let key)): return entries[key] ?? .null
            case (.list(let items), .int(let index)):
                let position = index < 0 ? Int64(items.count) + index : index
                return position >= 0 && position < items.count ? items[Int(position)] : .null
            default: return .null
            }
        },
        FilterFunction("take", 2) { call throws(FilterEvaluationError) in
            let items = try call.list(0)
            let count = try call.integer(1)
            guard count >= 0 else { throw call.fail("cannot take a negative count") }
            return .list(Array(items.prefix(Int(min(count, Int64(items.count))))))
        },
        FilterFunction("keys", 1) { call throws(FilterEvaluationError) in
            let entries = try call.map(0)
            try call.charge(entries.count)
            return .list(entries.keys.sorted(by: GoFormatting.utf8Less).map(FilterValue.string))
        },
        FilterFunction("values", 1) { call throws(FilterEvaluationError) in
            let entries = try call.map(0)
            try call.charge(entries.count)
            return .list(entries.keys.sorted(by: GoFormatting.utf8Less).map { entries[$0]! })
        },
        FilterFunction("toPairs", 1) { call throws(FilterEvaluationError) in
            let entries = try call.map(0)
            try call.charge(entries.count)
            return .list(entries.keys.sorted(by: GoFormatting.utf8Less).map { .list([.string($0), entries[$0]!]) })
        },
        FilterFunction("fromPairs", 1) { call throws(FilterEvaluationError) in
            let pairs = try call.list(0)
            try call.charge(pairs.count)
            var entries: [String: FilterValue] = [:]
            for pair in pairs {
                guard case .list(let parts) = pair, parts.count == 2, case .string(let key) = parts[0] else {
                    throw call.fail("every item must be a [key, value] pair with a string key")
                }
                entries[key] = parts[1]
            }
            return .map(entries)
        },
        FilterFunction("sort", 1...2) { call throws(FilterEvaluationError) in
            let items = try call.list(0)
            let descending = try order(call, at: 1)
            return .list(try sorted(items, call: call, descending: descending, by: { $0 }))
        },
        FilterFunction("sortBy", 2...3) { call throws(FilterEvaluationError) in
            let items = try call.list(0)
            let key = try call.string(1)
            let descending = try order(call, at: 2)
            return .list(try sorted(items, call: call, descending: descending) { item in
                if case .map(let entries) = item { return entries[key] ?? .null }
                return .null
            })
        },
    ]

    private static func order(_ call: FilterCall, at position: Int) throws(FilterEvaluationError) -> Bool {
        guard call.count > position else { return false }
        switch try call.string(position) {
        case "asc": return false
        case "desc": return true
        case let other: throw call.fail("unknown order '\(other)', use \"asc\" or \"desc\"")
        }
    }

    private static func sorted(
        _ items: [FilterValue], call: FilterCall, descending: Bool, by key: (FilterValue) -> FilterValue
    ) throws(FilterEvaluationError) -> [FilterValue] {
        let count = items.count
        try call.charge(count * max(1, Int(Double(count).squareRoot())))
        let keyed = items.map { (key: key($0), item: $0) }
        for entry in keyed where FilterComparison.order(entry.key, keyed[0].key) == nil {
            throw call.fail("cannot sort \(entry.key.kindName) with \(keyed[0].key.kindName)")
        }
        let ordered = keyed.enumerated().sorted { left, right in
            let order = FilterComparison.order(left.element.key, right.element.key) ?? 0
            if order == 0 { return left.offset < right.offset }
            return descending ? order > 0 : order < 0
        }
        return ordered.map(\.element.item)
    }
}
