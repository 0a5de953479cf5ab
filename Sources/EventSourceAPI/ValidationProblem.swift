/// One thing wrong with a spec, named by its field path, e.g.
/// `spec.redisStream.example.streams: must not be empty`.
public struct ValidationProblem: Sendable, Equatable, Hashable, CustomStringConvertible {
    public let path: String
    public let message: String

    public init(path: String, message: String) {
        self.path = path
        self.message = message
    }

    public var description: String { "\(path): \(message)" }
}

/// Every problem found in one object, reported together so a user fixes them in one pass.
/// `warnings` are what was found besides (a misspelled field often explains a problem).
public struct ValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let problems: [ValidationProblem]
    public let warnings: [ValidationProblem]

    public init(problems: [ValidationProblem], warnings: [ValidationProblem] = []) {
        self.problems = problems
        self.warnings = warnings
    }

    public var description: String { problems.map(\.description).joined(separator: "; ") }
}
