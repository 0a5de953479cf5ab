/// Go methods on the values `date()`, `now()` and `duration()` return, which expr lets an
/// expression call: `duration("90m").Hours()`, `now().Sub(date(values.at)).Minutes() < 5`.
enum FilterMethods {
    static func call(_ name: String, on base: FilterValue, _ arguments: [FilterValue], column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        func fail(_ message: String) -> FilterEvaluationError {
            FilterEvaluationError("\(name)(): \(message)", column: column)
        }
        func expectArguments(_ count: Int) throws(FilterEvaluationError) {
            guard arguments.count == count else {
                throw fail("takes \(count) argument\(count == 1 ? "" : "s"), got \(arguments.count)")
            }
        }
        switch base {
        case .duration(let span):
            try expectArguments(0)
            switch name {
            case "Hours": return .float(Double(span) / 3.6e12)
            case "Minutes": return .float(Double(span) / 6e10)
            case "Seconds": return .float(Double(span) / 1e9)
            case "Milliseconds": return .int(span / 1_000_000)
            case "Microseconds": return .int(span / 1_000)
            case "Nanoseconds": return .int(span)
            case "String": return .string(FilterTime.durationText(span))
            case "Abs": return span == .min ? .duration(.max) : .duration(Swift.abs(span))
            default: break
            }
        case .time(let instant):
            if let value = try timeMethod(name, instant, arguments, fail: fail) { return value }
        default:
            throw FilterEvaluationError("cannot call \(name)() on a \(base.kindName)", column: column)
        }
        throw FilterEvaluationError("\(base.kindName) has no method \(name)()", column: column)
    }

    private static func timeMethod(
        _ name: String, _ instant: Int64, _ arguments: [FilterValue], fail: (String) -> FilterEvaluationError
    ) throws(FilterEvaluationError) -> FilterValue? {
        let parts = GoTimeLayout.civil(instant)
        let noArguments: FilterValue?
        switch name {
        case "Unix": noArguments = .int(floorDivide(instant, 1_000_000_000))
        case "UnixMilli": noArguments = .int(floorDivide(instant, 1_000_000))
        case "UnixMicro": noArguments = .int(floorDivide(instant, 1_000))
        case "UnixNano": noArguments = .int(instant)
        case "Year": noArguments = .int(Int64(parts.year))
        case "Month": noArguments = .int(Int64(parts.month))
        case "Day": noArguments = .int(Int64(parts.day))
        case "Hour": noArguments = .int(Int64(parts.hour))
        case "Minute": noArguments = .int(Int64(parts.minute))
        case "Second": noArguments = .int(Int64(parts.second))
        case "Nanosecond": noArguments = .int(Int64(parts.nanosecond))
        case "Weekday":
            // 1970-01-01 was a Thursday (4); Sunday is 0, as in Go.
            let days = floorDivide(instant, 86_400_000_000_000)
            noArguments = .int(((days % 7) + 11) % 7)
        case "YearDay":
            noArguments = .int(Int64(GoTimeLayout.daysFromCivil(parts.year, parts.month, parts.day)
                - GoTimeLayout.daysFromCivil(parts.year, 1, 1) + 1))
        case "UTC", "Local": noArguments = .time(instant)
        case "String": noArguments = .string(FilterTime.timeText(instant))
        case "IsZero": noArguments = .bool(instant == GoTimeLayout.zeroInstant)
        default: noArguments = nil
        }
        if let noArguments {
            guard arguments.isEmpty else { throw fail("takes no arguments, got \(arguments.count)") }
            return noArguments
        }
        guard ["Before", "After", "Equal", "Sub", "Add"].contains(name) else { return nil }
        guard arguments.count == 1 else { throw fail("takes 1 argument, got \(arguments.count)") }
        switch (name, arguments[0]) {
        case ("Before", .time(let other)): return .bool(instant < other)
        case ("After", .time(let other)): return .bool(instant > other)
        case ("Equal", .time(let other)): return .bool(instant == other)
        case ("Sub", .time(let other)):
            let (span, overflow) = instant.subtractingReportingOverflow(other)
            return .duration(overflow ? (instant > other ? .max : .min) : span)
        case ("Add", .duration(let span)):
            let (moved, overflow) = instant.addingReportingOverflow(span)
            guard !overflow else { throw fail("time overflow") }
            return .time(moved)
        default:
            let expected = name == "Add" ? "a duration" : "a time"
            throw fail("argument 1 must be \(expected), got \(arguments[0].kindName)")
        }
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return value % divisor < 0 ? quotient - 1 : quotient
    }
}
