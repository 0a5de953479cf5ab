import StructuredData

/// JSON cannot carry infinity or NaN, yet parsers turn `1e999` (or YAML's `.inf`) into one.
/// The real API server refuses such numbers; storing them would write them back as `null`.
enum FiniteNumbers {
    /// The field path of the first number that is not finite, or nil when there is none.
    static func firstNonFinite(in value: JSONValue, path: String = "") -> String? {
        switch value {
        case .double(let number): return number.isFinite ? nil : (path.isEmpty ? "<root>" : path)
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = firstNonFinite(in: item, path: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let object):
            for (key, item) in object {
                if let found = firstNonFinite(in: item, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        default: return nil
        }
    }

    static func check(_ object: JSONValue, _ resource: ResourceType) throws(APIError) {
        guard let field = firstNonFinite(in: object) else { return }
        throw .invalid(
            resource, object["metadata"]?["name"]?.stringValue ?? "", field: field,
            "Invalid value: \"out of range\": numbers must be finite and within the range of a 64-bit float")
    }
}
