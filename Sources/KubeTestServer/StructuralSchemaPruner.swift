import StructuredData

/// Drops the fields a structural schema does not declare (unless it preserves unknown fields) and
/// fills in declared defaults, as the API server does when it decodes a custom resource.
/// `apiVersion`, `kind` and `metadata` at the root (and in embedded resources) are always kept.
enum StructuralSchemaPruner {
    /// The pruned value, and the paths of the fields it dropped, for strict validation and warnings.
    static func prune(_ object: JSONValue, schema: JSONValue) -> (pruned: JSONValue, unknown: [String]) {
        var unknown: [String] = []
        let pruned = prune(object, schema: schema, path: "", isRoot: true, unknown: &unknown)
        return (pruned, unknown)
    }

    private static func prune(_ value: JSONValue, schema: JSONValue, path: String, isRoot: Bool, unknown: inout [String]) -> JSONValue {
        switch value {
        case .object(let object):
            guard schema.objectValue != nil else { return value }
            let preserves = schema["x-kubernetes-preserve-unknown-fields"]?.boolValue == true
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let keepsTypeMeta = isRoot || schema["x-kubernetes-embedded-resource"]?.boolValue == true
            var result = JSONObject()
            for (key, field) in object {
                let fieldPath = path.isEmpty ? key : "\(path).\(key)"
                if keepsTypeMeta && ["apiVersion", "kind", "metadata"].contains(key) {
                    result[key] = field
                } else if let fieldSchema = properties?[key] {
                    result[key] = prune(field, schema: fieldSchema, path: fieldPath, isRoot: false, unknown: &unknown)
                } else if let additional, additional.objectValue != nil {
                    result[key] = prune(field, schema: additional, path: fieldPath, isRoot: false, unknown: &unknown)
                } else if preserves || additional?.boolValue == true {
                    result[key] = field
                } else {
                    unknown.append(fieldPath)
                }
            }
            for (key, fieldSchema) in properties ?? JSONObject() where result[key] == nil {
                if let defaultValue = fieldSchema["default"] { result[key] = defaultValue }
            }
            return .object(result)
        case .array(let items):
            guard let itemSchema = schema["items"], itemSchema.objectValue != nil else { return value }
            return .array(items.enumerated().map { index, item in
                prune(item, schema: itemSchema, path: "\(path)[\(index)]", isRoot: false, unknown: &unknown)
            })
        default:
            return value
        }
    }
}
