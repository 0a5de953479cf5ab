#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `+ - * / % **` with expr-lang's rules: integers stay integers except under `/` and `**`
/// (`^`), which always give a float; `%` needs integers; `+` also joins two strings. Integer overflow is an
/// error rather than a silent wrap.
enum FilterArithmetic {
    static func apply(_ op: FilterBinaryOperator, _ left: FilterValue, _ right: FilterValue, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        if op == .add, case .string(let a) = left, case .string(let b) = right {
            return .string(a + b)
        }
        if let result = try FilterTimeArithmetic.apply(op, left, right, column: column) { return result }
        switch (left, right) {
        case (.int, .int) where op == .power, (.int, .float) where op == .power, (.float, .int) where op == .power:
            return .float(pow(double(left), double(right)))
        case (.int(let a), .int(let b)):
            return try integer(op, a, b, column: column)
        case (.int, .float), (.float, .int), (.float, .float):
            guard op != .remainder else {
                throw FilterEvaluationError("operator % needs integers", column: column)
            }
            return .float(floating(op, double(left), double(right)))
        default:
            throw FilterEvaluationError(
                "cannot apply \(op.rawValue) to \(left.kindName) and \(right.kindName)", column: column)
        }
    }

    private static func double(_ value: FilterValue) -> Double {
        switch value {
        case .int(let number): return Double(number)
        case .float(let number): return number
        default: return .nan
        }
    }

    private static func integer(_ op: FilterBinaryOperator, _ a: Int64, _ b: Int64, column: Int)
        throws(FilterEvaluationError) -> FilterValue
    {
        let result: (partialValue: Int64, overflow: Bool)
        switch op {
        case .add: result = a.addingReportingOverflow(b)
        case .subtract: result = a.subtractingReportingOverflow(b)
        case .multiply: result = a.multipliedReportingOverflow(by: b)
        case .divide: return .float(Double(a) / Double(b))
        default:
            guard b != 0 else { throw FilterEvaluationError("integer division by zero in %", column: column) }
            result = a.remainderReportingOverflow(dividingBy: b)
        }
        guard !result.overflow else {
            throw FilterEvaluationError("integer overflow in \(op.rawValue)", column: column)
        }
        return .int(result.partialValue)
    }

    private static func floating(_ op: FilterBinaryOperator, _ a: Double, _ b: Double) -> Double {
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .power: return pow(a, b)
        default: return a / b
        }
    }
}
