/// A value a filter reads or computes: the shapes JSON and Redis entries can hold.
public enum FilterValue: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case list([FilterValue])
    case map([String: FilterValue])
    /// An instant, in nanoseconds since the Unix epoch (expr's time.Time, from `date()` and `now()`).
    case time(Int64)
    /// A span, in nanoseconds (expr's time.Duration, from `duration()` and time arithmetic).
    case duration(Int64)

    /// The kind as error messages name it; ints and floats are both "number" because a user
    /// comparing `"5" < 3` cares that one side is text, not which number it is.
    public var kindName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "boolean"
        case .int, .float: return "number"
        case .string: return "string"
        case .list: return "list"
        case .map: return "map"
        case .time: return "time"
        case .duration: return "duration"
        }
    }

    /// A short rendering for error messages.
    var preview: String {
        switch self {
        case .null: return "nil"
        case .bool(let flag): return flag ? "true" : "false"
        case .int(let number): return String(number)
        case .float(let number): return String(number)
        case .string(let text):
            let shown = text.unicodeScalars.count > 40 ? String(text.unicodeScalars.prefix(40)) + "…" : text
            return "'\(shown)'"
        case .list(let items): return "a list of \(items.count)"
        case .map(let entries): return "a map of \(entries.count)"
        case .time(let instant): return FilterTime.timeText(instant)
        case .duration(let span): return FilterTime.durationText(span)
        }
    }
}

extension FilterValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: FilterValue...) { self = .list(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, FilterValue)...) {
        self = .map(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension FilterValue {
    /// expr-lang's `type()` names.
    var typeName: String {
        switch self {
        case .null: return "nil"
        case .bool: return "bool"
        case .int: return "int"
        case .float: return "float"
        case .string: return "string"
        case .list: return "array"
        case .map: return "map"
        case .time: return "time.Time"
        case .duration: return "time.Duration"
        }
    }

    var isNumber: Bool {
        switch self {
        case .int, .float: return true
        default: return false
        }
    }

    /// Values in this one, itself included: what copying or encoding it costs in budget steps.
    var size: Int {
        switch self {
        case .list(let items): return items.reduce(1) { $0 + $1.size }
        case .map(let entries): return entries.values.reduce(1) { $0 + $1.size }
        case .string(let text): return 1 + text.utf8.count / 64
        default: return 1
        }
    }

    /// Go's encoding/json refuses NaN and infinities.
    var isJSONEncodable: Bool {
        switch self {
        case .float(let number): return number.isFinite
        case .list(let items): return items.allSatisfy(\.isJSONEncodable)
        case .map(let entries): return entries.values.allSatisfy(\.isJSONEncodable)
        default: return true
        }
    }

    /// Sprig's notion of empty: nil, false, 0, "", and empty lists and maps.
    var isEmptyValue: Bool {
        switch self {
        case .null: return true
        case .bool(let flag): return !flag
        case .int(let number): return number == 0
        case .float(let number): return number == 0
        case .string(let text): return text.isEmpty
        case .list(let items): return items.isEmpty
        case .map(let entries): return entries.isEmpty
        case .time: return false
        case .duration(let span): return span == 0
        }
    }
}
