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
public struct FilterEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public let column: Int

    public init(_ message: String, column: Int) {
        self.message = message
        self.column = column
    }

    public var description: String { "\(message) at column \(column)" }
}
