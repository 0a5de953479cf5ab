/// Arithmetic on times and durations, as Go's time package allows it through expr:
/// time ± duration, time − time, duration ± duration, duration × integer. Overflow is an error.
enum FilterTimeArithmetic {
    /// The result, or nil when neither side is a time or a duration.
    static func apply(_ op: FilterBinaryOperator, _ left: FilterValue, _ right: FilterValue, column: Int)
        throws(FilterEvaluationError) -> FilterValue?
    {
        let result: (partialValue: Int64, overflow: Bool)
        let wrap: (Int64) -> FilterValue
        switch (op, left, right) {
        case (.add, .time(let a), .duration(let b)), (.add, .duration(let b), .time(let a)):
            (result, wrap) = (a.addingReportingOverflow(b), FilterValue.time)
        case (.subtract, .time(let a), .duration(let b)):
            (result, wrap) = (a.subtractingReportingOverflow(b), FilterValue.time)
        case (.subtract, .time(let a), .time(let b)):
            (result, wrap) = (a.subtractingReportingOverflow(b), FilterValue.duration)
        case (.add, .duration(let a), .duration(let b)):
            (result, wrap) = (a.addingReportingOverflow(b), FilterValue.duration)
        case (.subtract, .duration(let a), .duration(let b)):
            (result, wrap) = (a.subtractingReportingOverflow(b), FilterValue.duration)
        case (.multiply, .duration(let a), .int(let b)), (.multiply, .int(let b), .duration(let a)):
            (result, wrap) = (a.multipliedReportingOverflow(by: b), FilterValue.duration)
        case (_, .time, _), (_, _, .time), (_, .duration, _), (_, _, .duration):
            throw FilterEvaluationError(
                "cannot apply \(op.rawValue) to \(left.kindName) and \(right.kindName)", column: column)
        default:
            return nil
        }
        guard !result.overflow else { throw FilterEvaluationError("time overflow in \(op.rawValue)", column: column) }
        return wrap(result.partialValue)
    }
}
