/// Equality and ordering between filter values. Strings compare by their UTF-8 bytes, as Go
/// does, rather than by Swift's Unicode canonical equivalence.
enum FilterComparison {
    static func equal(_ left: FilterValue, _ right: FilterValue) -> Bool {
        switch (left, right) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.int, .float), (.float, .int), (.float, .float): return order(left, right) == 0
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.map(let a), .map(let b)):
            return a.count == b.count && a.allSatisfy { key, value in b[key].map { equal(value, $0) } ?? false }
        case (.time(let a), .time(let b)), (.duration(let a), .duration(let b)): return a == b
        default: return false
        }
    }

    /// -1, 0 or 1; nil when the two cannot be ordered (different kinds, nil, lists, NaN).
    static func order(_ left: FilterValue, _ right: FilterValue) -> Int? {
        switch (left, right) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a == b ? 0 : 1)
        case (.int(let a), .float(let b)): return order(Double(a), b)
        case (.float(let a), .int(let b)): return order(a, Double(b))
        case (.float(let a), .float(let b)): return order(a, b)
        case (.string(let a), .string(let b)):
            if a.utf8.elementsEqual(b.utf8) { return 0 }
            return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
        case (.time(let a), .time(let b)), (.duration(let a), .duration(let b)):
            return a < b ? -1 : (a == b ? 0 : 1)
        default: return nil
        }
    }

    private static func order(_ a: Double, _ b: Double) -> Int? {
        if a < b { return -1 }
        if a > b { return 1 }
        return a == b ? 0 : nil
    }
}
