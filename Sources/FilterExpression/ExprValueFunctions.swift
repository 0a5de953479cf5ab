/// expr-lang's (v1.15) builtins for numbers, conversions and JSON/Base64, plus Argo's own
/// additions `asInt`, `asFloat` (aliases of `int` and `float`), `toJson` and `jsonpath`.
enum ExprValueFunctions {
    static let all: [FilterFunction] = [
        FilterFunction("len", 1) { call throws(FilterEvaluationError) in
            switch call[0] {
            // Go's len counts a string's bytes.
            case .string(let text): return .int(Int64(text.utf8.count))
            case .list(let items): return .int(Int64(items.count))
            case .map(let entries): return .int(Int64(entries.count))
            default: throw call.fail("needs a string, list or map, got \(call[0].kindName)")
            }
        },
        FilterFunction("type", 1) { call throws(FilterEvaluationError) in .string(call[0].typeName) },
        FilterFunction("abs", 1) { call throws(FilterEvaluationError) in
            switch call[0] {
            case .int(let number) where number != .min: return .int(Swift.abs(number))
            case .float(let number): return .float(Swift.abs(number))
            default: throw call.wrongKind(0, expected: "a number")
            }
        },
        FilterFunction("ceil", 1) { call throws(FilterEvaluationError) in .float(try call.number(0).rounded(.up)) },
        FilterFunction("floor", 1) { call throws(FilterEvaluationError) in .float(try call.number(0).rounded(.down)) },
        FilterFunction("round", 1) { call throws(FilterEvaluationError) in
            .float(try call.number(0).rounded(.toNearestOrAwayFromZero))
        },
        FilterFunction("int", 1, toInteger),
        FilterFunction("asInt", 1, toInteger),
        FilterFunction("float", 1, toFloat),
        FilterFunction("asFloat", 1, toFloat),
        FilterFunction("string", 1) { call throws(FilterEvaluationError) in
            let text = GoFormatting.text(call[0])
            try call.chargeText(text)
            return .string(text)
        },
        FilterFunction("max", 1...Int.max) { call throws(FilterEvaluationError) in try extreme(call, greater: true) },
        FilterFunction("min", 1...Int.max) { call throws(FilterEvaluationError) in try extreme(call, greater: false) },
        FilterFunction("sum", 1) { call throws(FilterEvaluationError) in
            let items = try call.list(0)
            try call.charge(items.count)
            var total: FilterValue = .int(0)
            for item in items {
                guard item.isNumber else { throw call.fail("cannot sum \(item.kindName)") }
                total = try FilterArithmetic.apply(.add, total, item, column: call.column)
            }
            return total
        },
        FilterFunction("mean", 1) { call throws(FilterEvaluationError) in
            let numbers = try numbers(call)
            return .float(numbers.isEmpty ? 0 : numbers.reduce(0, +) / Double(numbers.count))
        },
        FilterFunction("median", 1) { call throws(FilterEvaluationError) in
            let numbers = try numbers(call).sorted()
            if numbers.isEmpty { return .float(0) }
            let middle = numbers.count / 2
            return .float(numbers.count % 2 == 0 ? (numbers[middle - 1] + numbers[middle]) / 2 : numbers[middle])
        },
        FilterFunction("toJSON", 1) { call throws(FilterEvaluationError) in
            try call.charge(call[0].size)
            return .string(FilterJSON.encode(call[0], indent: true))
        },
        // Argo's toJson: compact, and "" for what Go cannot encode.
        FilterFunction("toJson", 1) { call throws(FilterEvaluationError) in
            try call.charge(call[0].size)
            return .string(call[0].isJSONEncodable ? FilterJSON.encode(call[0]) : "")
        },
        FilterFunction("fromJSON", 1) { call throws(FilterEvaluationError) in try decodeJSON(call) },
        FilterFunction("toBase64", 1) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            try call.chargeText(text)
            return .string(FilterEncodings.base64(Array(text.utf8)))
        },
        FilterFunction("fromBase64", 1) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            try call.chargeText(text)
            guard let bytes = FilterEncodings.fromBase64(text) else { throw call.fail("illegal base64 data") }
            return .string(String(decoding: bytes, as: UTF8.self))
        },
        FilterFunction("jsonpath", 2) { call throws(FilterEvaluationError) in
            let document = try decodeJSON(call)
            let path: FilterJSONPath
            do {
                path = try FilterJSONPath(try call.string(1))
            } catch {
                throw call.fail("\(error)")
            }
            do {
                return try path.query(document, budget: call.budget, column: call.column)
            } catch let error as FilterEvaluationError {
                throw error
            } catch {
                throw call.fail("\(error)")
            }
        },
    ]

    static func toInteger(_ call: FilterCall) throws(FilterEvaluationError) -> FilterValue {
        switch call[0] {
        case .int: return call[0]
        case .float(let number):
            guard number.isFinite, number > -9.2e18, number < 9.2e18 else {
                throw call.fail("cannot convert \(number) to an integer")
            }
            return .int(Int64(number.rounded(.towardZero)))
        case .string(let text):
            guard let number = Int64(text) else { throw call.fail("cannot convert \(call[0].preview) to an integer") }
            return .int(number)
        default:
            throw call.fail("needs a number or string, got \(call[0].kindName)")
        }
    }

    static func toFloat(_ call: FilterCall) throws(FilterEvaluationError) -> FilterValue {
        switch call[0] {
        case .float: return call[0]
        case .int(let number): return .float(Double(number))
        case .string(let text):
            guard let number = Double(text) else { throw call.fail("cannot convert \(call[0].preview) to a number") }
            return .float(number)
        default:
            throw call.fail("needs a number or string, got \(call[0].kindName)")
        }
    }

    private static func extreme(_ call: FilterCall, greater: Bool) throws(FilterEvaluationError) -> FilterValue {
        var best: FilterValue?
        for (position, value) in call.arguments.enumerated() {
            guard value.isNumber else { throw call.wrongKind(position, expected: "a number") }
            guard let current = best else { best = value; continue }
            let order = FilterComparison.order(value, current) ?? 0
            if greater ? order > 0 : order < 0 { best = value }
        }
        return best ?? .null
    }

    private static func numbers(_ call: FilterCall) throws(FilterEvaluationError) -> [Double] {
        let items = try call.list(0)
        try call.charge(items.count)
        var numbers: [Double] = []
        for item in items {
            switch item {
            case .int(let number): numbers.append(Double(number))
            case .float(let number): numbers.append(number)
            default: throw call.fail("needs numbers, got \(item.kindName)")
            }
        }
        return numbers
    }

    static func decodeJSON(_ call: FilterCall) throws(FilterEvaluationError) -> FilterValue {
        let text = try call.string(0)
        try call.chargeText(text)
        do {
            return try FilterJSON.decode(text)
        } catch {
            throw call.fail("invalid JSON: \(error)")
        }
    }
}
