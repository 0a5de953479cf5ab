/// expr-lang's string builtins (v1.15), with Go's byte-oriented meaning: `indexOf` counts bytes,
/// `upper`/`lower` map each code point on its own, `trim` removes Unicode white space.
enum ExprStringFunctions {
    static let all: [FilterFunction] = [
        FilterFunction("trim", 1...2) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            if call.count == 1 { return .string(GoStrings.trim(text, where: GoStrings.isSpace)) }
            let cutset = Set(try call.string(1).unicodeScalars)
            return .string(GoStrings.trim(text, where: { cutset.contains($0) }))
        },
        FilterFunction("trimPrefix", 1...2) { call throws(FilterEvaluationError) in
            let prefix = call.count == 2 ? try call.string(1) : " "
            return .string(GoStrings.trimPrefix(try call.string(0), prefix))
        },
        FilterFunction("trimSuffix", 1...2) { call throws(FilterEvaluationError) in
            let suffix = call.count == 2 ? try call.string(1) : " "
            return .string(GoStrings.trimSuffix(try call.string(0), suffix))
        },
        FilterFunction("upper", 1) { call throws(FilterEvaluationError) in .string(GoStrings.upper(try call.string(0))) },
        FilterFunction("lower", 1) { call throws(FilterEvaluationError) in .string(GoStrings.lower(try call.string(0))) },
        FilterFunction("split", 2...3) { call throws(FilterEvaluationError) in
            let limit = call.count == 3 ? Int(try call.integer(2)) : -1
            let parts = GoStrings.split(try call.string(0), separator: try call.string(1), limit: limit, keepSeparator: false)
            try call.charge(parts.count)
            return .list(parts.map(FilterValue.string))
        },
        FilterFunction("splitAfter", 2...3) { call throws(FilterEvaluationError) in
            let limit = call.count == 3 ? Int(try call.integer(2)) : -1
            let parts = GoStrings.split(try call.string(0), separator: try call.string(1), limit: limit, keepSeparator: true)
            try call.charge(parts.count)
            return .list(parts.map(FilterValue.string))
        },
        FilterFunction("replace", 3...4) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            let limit = call.count == 4 ? Int(try call.integer(3)) : -1
            let (old, new) = (try call.string(1), try call.string(2))
            try call.chargeText(bytes: GoStrings.replacementBound(text, old, with: new))
            return .string(GoStrings.replace(text, old, with: new, limit: limit))
        },
        FilterFunction("repeat", 2) { call throws(FilterEvaluationError) in
            let text = try call.string(0)
            let times = try call.integer(1)
            guard times >= 0 else { throw call.fail("negative repeat count") }
            // expr-lang refuses more than a million repetitions; the budget bounds the rest.
            guard times <= 1_000_000 else { throw call.fail("memory budget exceeded") }
            try call.chargeText(bytes: text.utf8.count * Int(times))
            return .string(String(repeating: text, count: Int(times)))
        },
        FilterFunction("join", 1...2) { call throws(FilterEvaluationError) in
            let glue = call.count == 2 ? try call.string(1) : ""
            var parts: [String] = []
            for item in try call.list(0) {
                guard case .string(let text) = item else { throw call.fail("every item must be a string, got \(item.kindName)") }
                parts.append(text)
            }
            let joined = parts.joined(separator: glue)
            try call.chargeText(joined)
            return .string(joined)
        },
        FilterFunction("indexOf", 2) { call throws(FilterEvaluationError) in
            .int(Int64(GoStrings.index(of: try call.string(1), in: try call.string(0))))
        },
        FilterFunction("lastIndexOf", 2) { call throws(FilterEvaluationError) in
            .int(Int64(GoStrings.lastIndex(of: try call.string(1), in: try call.string(0))))
        },
        FilterFunction("hasPrefix", 2) { call throws(FilterEvaluationError) in
            .bool(try call.string(0).utf8.starts(with: try call.string(1).utf8))
        },
        FilterFunction("hasSuffix", 2) { call throws(FilterEvaluationError) in
            .bool(GoStrings.hasSuffix(try call.string(0), try call.string(1)))
        },
    ]
}
