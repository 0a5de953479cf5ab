import COpenSSL

/// Sprig's math, default/empty/coalesce, conversion, type, path, encoding and hashing functions.
enum SprigValueFunctions {
    static let all: [FilterFunction] = math + defaults + encodings + types

    private static func integers(_ c: FilterCall) -> [Int64] { c.arguments.map(SprigFunctions.int64) }
    private static func floats(_ c: FilterCall) -> [Double] { c.arguments.map(SprigFunctions.float64) }

    private static func checked(_ c: FilterCall, _ result: (partialValue: Int64, overflow: Bool))
        throws(FilterEvaluationError) -> FilterValue
    {
        guard !result.overflow else { throw c.fail("integer overflow") }
        return .int(result.partialValue)
    }

    private static let math: [FilterFunction] = [
        FilterFunction("add", 0...Int.max) { c throws(FilterEvaluationError) in
            var total: Int64 = 0
            for number in integers(c) { total = try checked(c, total.addingReportingOverflow(number)).intValue }
            return .int(total)
        },
        FilterFunction("add1", 1) { c throws(FilterEvaluationError) in try checked(c, SprigFunctions.int64(c[0]).addingReportingOverflow(1)) },
        FilterFunction("sub", 2) { c throws(FilterEvaluationError) in
            try checked(c, SprigFunctions.int64(c[0]).subtractingReportingOverflow(SprigFunctions.int64(c[1])))
        },
        FilterFunction("mul", 1...Int.max) { c throws(FilterEvaluationError) in
            var product: Int64 = 1
            for number in integers(c) { product = try checked(c, product.multipliedReportingOverflow(by: number)).intValue }
            return .int(product)
        },
        FilterFunction("div", 2) { c throws(FilterEvaluationError) in
            let divisor = SprigFunctions.int64(c[1])
            guard divisor != 0 else { throw c.fail("integer divide by zero") }
            return try checked(c, SprigFunctions.int64(c[0]).dividedReportingOverflow(by: divisor))
        },
        FilterFunction("mod", 2) { c throws(FilterEvaluationError) in
            let divisor = SprigFunctions.int64(c[1])
            guard divisor != 0 else { throw c.fail("integer divide by zero") }
            return try checked(c, SprigFunctions.int64(c[0]).remainderReportingOverflow(dividingBy: divisor))
        },
        FilterFunction("max", 1...Int.max) { c throws(FilterEvaluationError) in .int(integers(c).max()!) },
        FilterFunction("biggest", 1...Int.max) { c throws(FilterEvaluationError) in .int(integers(c).max()!) },
        FilterFunction("min", 1...Int.max) { c throws(FilterEvaluationError) in .int(integers(c).min()!) },
        FilterFunction("addf", 0...Int.max) { c throws(FilterEvaluationError) in .float(floats(c).reduce(0, +)) },
        FilterFunction("add1f", 1) { c throws(FilterEvaluationError) in .float(SprigFunctions.float64(c[0]) + 1) },
        FilterFunction("subf", 1...Int.max) { c throws(FilterEvaluationError) in
            let numbers = floats(c)
            return .float(numbers.dropFirst().reduce(numbers[0], -))
        },
        FilterFunction("mulf", 1...Int.max) { c throws(FilterEvaluationError) in .float(floats(c).reduce(1, *)) },
        FilterFunction("divf", 1...Int.max) { c throws(FilterEvaluationError) in
            let numbers = floats(c)
            return .float(numbers.dropFirst().reduce(numbers[0], /))
        },
        FilterFunction("maxf", 1...Int.max) { c throws(FilterEvaluationError) in .float(floats(c).max()!) },
        FilterFunction("minf", 1...Int.max) { c throws(FilterEvaluationError) in .float(floats(c).min()!) },
        FilterFunction("floor", 1) { c throws(FilterEvaluationError) in .float(SprigFunctions.float64(c[0]).rounded(.down)) },
        FilterFunction("ceil", 1) { c throws(FilterEvaluationError) in .float(SprigFunctions.float64(c[0]).rounded(.up)) },
        FilterFunction("round", 2...3) { c throws(FilterEvaluationError) in
            // round value places [threshold]: sprig rounds up from `threshold` (default .5).
            let value = SprigFunctions.float64(c[0])
            let places = max(-300, min(300, Int(SprigFunctions.int64(c[1]))))
            let threshold = c.count > 2 ? SprigFunctions.float64(c[2]) : 0.5
            var scale = 1.0
            for _ in 0..<abs(places) { scale *= 10 }
            if places < 0 { scale = 1 / scale }
            let scaled = abs(value) * scale
            let whole = scaled.rounded(.down)
            let rounded = (scaled - whole >= threshold ? whole + 1 : whole) / scale
            return .float(value < 0 ? -rounded : rounded)
        },
        FilterFunction("seq", 0...3) { c throws(FilterEvaluationError) in
            let numbers = integers(c)
            let (start, step, end): (Int64, Int64, Int64)
            switch numbers.count {
            case 0: return .string("")
            case 1: (start, step, end) = (1, numbers[0] >= 1 ? 1 : -1, numbers[0])
            case 2: (start, step, end) = (numbers[0], numbers[1] >= numbers[0] ? 1 : -1, numbers[1])
            default: (start, step, end) = (numbers[0], numbers[1], numbers[2])
            }
            guard step != 0, (step > 0) == (end >= start) || start == end else { return .string("") }
            let count = ((Double(end) - Double(start)) / Double(step)).rounded(.down) + 1
            try c.charge(count < 1e15 ? Int(count) : Int.max)
            return .string(stride(from: start, through: end, by: Int64.Stride(step)).map(String.init).joined(separator: " "))
        },
        FilterFunction("atoi", 1) { c throws(FilterEvaluationError) in .int(Int64(try c.string(0)) ?? 0) },
        FilterFunction("int", 1) { c throws(FilterEvaluationError) in .int(SprigFunctions.int64(c[0])) },
        FilterFunction("int64", 1) { c throws(FilterEvaluationError) in .int(SprigFunctions.int64(c[0])) },
        FilterFunction("float64", 1) { c throws(FilterEvaluationError) in .float(SprigFunctions.float64(c[0])) },
        FilterFunction("toDecimal", 1) { c throws(FilterEvaluationError) in .int(Int64(SprigFunctions.text(c[0]), radix: 8) ?? 0) },
    ]

    private static let defaults: [FilterFunction] = [
        FilterFunction("default", 1...Int.max) { c throws(FilterEvaluationError) in
            c.count < 2 || c[1].isEmptyValue ? c[0] : c[1]
        },
        FilterFunction("empty", 1) { c throws(FilterEvaluationError) in .bool(c[0].isEmptyValue) },
        FilterFunction("coalesce", 0...Int.max) { c throws(FilterEvaluationError) in
            c.arguments.first { !$0.isEmptyValue } ?? .null
        },
        FilterFunction("all", 0...Int.max) { c throws(FilterEvaluationError) in .bool(c.arguments.allSatisfy { !$0.isEmptyValue }) },
        FilterFunction("any", 0...Int.max) { c throws(FilterEvaluationError) in .bool(c.arguments.contains { !$0.isEmptyValue }) },
        FilterFunction("ternary", 3) { c throws(FilterEvaluationError) in
            guard case .bool(let condition) = c[2] else { throw c.wrongKind(2, expected: "a boolean") }
            return condition ? c[0] : c[1]
        },
        FilterFunction("fromJson", 1) { c throws(FilterEvaluationError) in
            // Sprig returns an empty map for text that is not JSON.
            (try? ExprValueFunctions.decodeJSON(c)) ?? .map([:])
        },
        FilterFunction("mustFromJson", 1) { c throws(FilterEvaluationError) in try ExprValueFunctions.decodeJSON(c) },
        FilterFunction("toJson", 1) { c throws(FilterEvaluationError) in try json(c, indent: false, escapeHTML: true) },
        FilterFunction("mustToJson", 1) { c throws(FilterEvaluationError) in try json(c, indent: false, escapeHTML: true) },
        FilterFunction("toPrettyJson", 1) { c throws(FilterEvaluationError) in try json(c, indent: true, escapeHTML: true) },
        FilterFunction("toRawJson", 1) { c throws(FilterEvaluationError) in try json(c, indent: false, escapeHTML: false) },
    ]

    private static func json(_ c: FilterCall, indent: Bool, escapeHTML: Bool) throws(FilterEvaluationError) -> FilterValue {
        try c.charge(c[0].size)
        return .string(c[0].isJSONEncodable ? FilterJSON.encode(c[0], indent: indent, escapeHTML: escapeHTML) : "")
    }

    private static let encodings: [FilterFunction] = [
        FilterFunction("b64enc", 1) { c throws(FilterEvaluationError) in .string(FilterEncodings.base64(try bytes(c))) },
        FilterFunction("b64dec", 1) { c throws(FilterEvaluationError) in
            // Sprig returns the decoding error's text rather than failing.
            guard let decoded = FilterEncodings.fromBase64(try c.string(0)) else { return .string("illegal base64 data") }
            return .string(String(decoding: decoded, as: UTF8.self))
        },
        FilterFunction("b32enc", 1) { c throws(FilterEvaluationError) in .string(FilterEncodings.base32(try bytes(c))) },
        FilterFunction("b32dec", 1) { c throws(FilterEvaluationError) in
            guard let decoded = FilterEncodings.fromBase32(try c.string(0)) else { return .string("illegal base32 data") }
            return .string(String(decoding: decoded, as: UTF8.self))
        },
        FilterFunction("sha1sum", 1) { c throws(FilterEvaluationError) in .string(try digest(c, EVP_sha1())) },
        FilterFunction("sha256sum", 1) { c throws(FilterEvaluationError) in .string(try digest(c, EVP_sha256())) },
        FilterFunction("sha512sum", 1) { c throws(FilterEvaluationError) in .string(try digest(c, EVP_sha512())) },
        FilterFunction("adler32sum", 1) { c throws(FilterEvaluationError) in
            var a: UInt32 = 1
            var b: UInt32 = 0
            for byte in try bytes(c) {
                a = (a + UInt32(byte)) % 65521
                b = (b + a) % 65521
            }
            return .string(String((b << 16) | a))
        },
    ]

    private static func bytes(_ c: FilterCall) throws(FilterEvaluationError) -> [UInt8] {
        let text = SprigFunctions.text(c[0])
        try c.chargeText(text)
        return Array(text.utf8)
    }

    private static func digest(_ c: FilterCall, _ algorithm: OpaquePointer?) throws(FilterEvaluationError) -> String {
        let input = try bytes(c)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = input.withUnsafeBytes { raw in
            EVP_Digest(raw.baseAddress, raw.count, &output, &length, algorithm, nil)
        }
        guard ok == 1 else { throw c.fail("digest failed") }
        return output.prefix(Int(length)).map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined()
    }

    private static let types: [FilterFunction] = [
        FilterFunction("typeOf", 1) { c throws(FilterEvaluationError) in .string(SprigFunctions.goTypeName(c[0])) },
        FilterFunction("kindOf", 1) { c throws(FilterEvaluationError) in .string(SprigFunctions.goKindName(c[0])) },
        FilterFunction("typeIs", 2) { c throws(FilterEvaluationError) in .bool(try c.string(0) == SprigFunctions.goTypeName(c[1])) },
        FilterFunction("kindIs", 2) { c throws(FilterEvaluationError) in .bool(try c.string(0) == SprigFunctions.goKindName(c[1])) },
        FilterFunction("deepEqual", 2) { c throws(FilterEvaluationError) in .bool(c[0] == c[1]) },
        FilterFunction("base", 1) { c throws(FilterEvaluationError) in .string(FilterPaths.base(try c.string(0))) },
        FilterFunction("dir", 1) { c throws(FilterEvaluationError) in .string(FilterPaths.dir(try c.string(0))) },
        FilterFunction("clean", 1) { c throws(FilterEvaluationError) in .string(FilterPaths.clean(try c.string(0))) },
        FilterFunction("ext", 1) { c throws(FilterEvaluationError) in .string(FilterPaths.ext(try c.string(0))) },
        FilterFunction("isAbs", 1) { c throws(FilterEvaluationError) in .bool(try c.string(0).hasPrefix("/")) },
    ]
}

extension FilterValue {
    fileprivate var intValue: Int64 {
        if case .int(let number) = self { return number }
        return 0
    }
}
