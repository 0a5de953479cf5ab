/// How much work one evaluation may do, in steps: one per node evaluated, plus one per element
/// a function or range produces or visits, plus one per 64 bytes of text it builds. Charged
/// before the work is done, so `1..1000000000` or `repeat("x", 1e9)` fails at once instead of
/// allocating; nested `map`/`filter` count every inner step. Exceeding it is an evaluation error
/// of kind `budgetExceeded`. One budget serves one evaluation on one thread.
public final class FilterBudget {
    /// Enough for any filter over a real stream entry (thousands of elements, nested a few deep),
    /// and small enough that exhausting it takes milliseconds.
    public static let defaultSteps = 1_000_000

    public let limit: Int
    public private(set) var used = 0

    public init(steps: Int = FilterBudget.defaultSteps) {
        limit = steps
    }

    func charge(_ steps: Int, column: Int) throws(FilterEvaluationError) {
        let (total, overflow) = used.addingReportingOverflow(max(0, steps))
        guard !overflow, total <= limit else {
            used = limit
            throw FilterEvaluationError(
                "the filter exceeded its evaluation budget of \(limit) steps", column: column, kind: .budgetExceeded)
        }
        used = total
    }

    /// Charges for building `bytes` bytes of text.
    func chargeText(_ bytes: Int, column: Int) throws(FilterEvaluationError) {
        try charge(bytes / 64 + 1, column: column)
    }
}
