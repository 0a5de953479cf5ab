/// An expression that cannot be parsed; `column` counts Unicode scalars from 1.
public struct FilterSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let column: Int

    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { "\(message) at column \(column)" }
}

/// An expression that parsed but could not be evaluated for one environment, for example
/// because it compares a string with a number. `column` is where the failing part starts.
/// None of these is helped by a retry: the same entry gives the same error.
public struct FilterEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// The expression does something its values do not allow (wrong kinds, bad index, ...).
        case invalidOperation
        /// The evaluation took more steps than its budget allows.
        case budgetExceeded
        /// A regular expression hit PCRE2's match or depth limit on this input.
        case regexLimitExceeded
    }

    public let message: String
    public let column: Int
    public let kind: Kind

    public init(_ message: String, column: Int, kind: Kind = .invalidOperation) {
        self.message = message
        self.column = column
        self.kind = kind
    }

    public var description: String { "\(message) at column \(column)" }
}
