/// The functions an expression may call. `int` and `float` are expr-lang's own names for
/// `asInt` and `asFloat`, accepted so expressions copied from expr documentation work.
enum FilterFunction: String, Sendable, CaseIterable {
    case asInt
    case asFloat
    case len

    init?(named name: String) {
        switch name {
        case "int": self = .asInt
        case "float": self = .asFloat
        default: self.init(rawValue: name)
        }
    }

    var argumentCount: Int { 1 }

    func apply(_ argument: FilterValue, column: Int) throws(FilterEvaluationError) -> FilterValue {
        switch self {
        case .len: return try Self.length(of: argument, column: column)
        case .asInt: return try Self.integer(from: argument, column: column)
        case .asFloat: return try Self.float(from: argument, column: column)
        }
    }

    private static func length(of value: FilterValue, column: Int) throws(FilterEvaluationError) -> FilterValue {
        switch value {
        // Characters as expr counts them: code points, not bytes or grapheme clusters.
        case .string(let text): return .int(Int64(text.unicodeScalars.count))
        case .list(let items): return .int(Int64(items.count))
        case .map(let entries): return .int(Int64(entries.count))
        default: throw FilterEvaluationError("len() needs a string, list or map, got \(value.kindName)", column: column)
        }
    }

    private static func integer(from value: FilterValue, column: Int) throws(FilterEvaluationError) -> FilterValue {
        switch value {
        case .int: return value
        case .float(let number):
            guard number.isFinite, number > -9.2e18, number < 9.2e18 else {
                throw FilterEvaluationError("asInt() cannot convert \(number) to an integer", column: column)
            }
            return .int(Int64(number.rounded(.towardZero)))
        case .string(let text):
            guard let number = Int64(text) else {
                throw FilterEvaluationError("asInt() cannot convert \(value.preview) to an integer", column: column)
            }
            return .int(number)
        default:
            throw FilterEvaluationError("asInt() needs a number or string, got \(value.kindName)", column: column)
        }
    }

    private static func float(from value: FilterValue, column: Int) throws(FilterEvaluationError) -> FilterValue {
        switch value {
        case .float: return value
        case .int(let number): return .float(Double(number))
        case .string(let text):
            guard let number = Double(text) else {
                throw FilterEvaluationError("asFloat() cannot convert \(value.preview) to a number", column: column)
            }
            return .float(number)
        default:
            throw FilterEvaluationError("asFloat() needs a number or string, got \(value.kindName)", column: column)
        }
    }
}
