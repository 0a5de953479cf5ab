import FilterExpression
import Sinks
import StructuredData

extension FilterValue {
    /// JSON numbers keep their kind: integers stay integers, so `metadata.count % 2` works.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .float(number)
        case .string(let text): self = .string(text)
        case .array(let items): self = .list(items.map(FilterValue.init))
        case .object(let object):
            var entries: [String: FilterValue] = [:]
            for (key, value) in object { entries[key] = FilterValue(value) }
            self = .map(entries)
        }
    }
}

extension CloudEvent {
    /// What `filter.expression` sees for this event: its data's `stream`, `message_id`,
    /// `values` and `metadata`, built as Argo builds it (`-` in top-level names becomes `_`,
    /// dotted top-level names become nested maps; see `FilterEnvironment.argo`).
    public var filterEnvironment: FilterEnvironment {
        guard case .object(let object) = data else { return FilterEnvironment([:]) }
        var fields: [String: FilterValue] = [:]
        for (key, value) in object { fields[key] = FilterValue(value) }
        return .argo(fields)
    }
}
