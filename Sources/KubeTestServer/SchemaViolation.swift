import StructuredData

/// One way an object breaks its CRD's schema, worded as the real API server words it
/// (`field.Error` from apimachinery: a reason, a field path, and a message).
struct SchemaViolation: Sendable, Equatable {
    let reason: String
    let field: String
    let message: String

    static func typeInvalid(_ field: String, expected: String, actual: JSONValue) -> SchemaViolation {
        let type = typeName(actual)
        return SchemaViolation(
            reason: "FieldValueTypeInvalid", field: field,
            message: "Invalid value: \"\(type)\": \(field) in body must be of type \(expected): \"\(type)\"")
    }

    static func required(_ field: String) -> SchemaViolation {
        SchemaViolation(reason: "FieldValueRequired", field: field, message: "Required value")
    }

    static func invalid(_ field: String, _ value: JSONValue, _ detail: String) -> SchemaViolation {
        SchemaViolation(
            reason: "FieldValueInvalid", field: field, message: "Invalid value: \(shown(value)): \(field) in body \(detail)")
    }

    static func notSupported(_ field: String, _ value: JSONValue, supported: [JSONValue]) -> SchemaViolation {
        SchemaViolation(
            reason: "FieldValueNotSupported", field: field,
            message: "Unsupported value: \(shown(value)): supported values: \(supported.map(shown).joined(separator: ", "))")
    }

    static func tooMany(_ field: String, count: Int, maximum: Int64) -> SchemaViolation {
        SchemaViolation(reason: "FieldValueTooMany", field: field, message: "Too many: \(count): must have at most \(maximum) items")
    }

    static func tooLong(_ field: String, maximum: Int64) -> SchemaViolation {
        SchemaViolation(reason: "FieldValueTooLong", field: field, message: "Too long: may not be more than \(maximum) bytes")
    }

    var cause: JSONValue {
        ["reason": .string(reason), "message": .string(message), "field": .string(field)]
    }

    /// Kubernetes' names for JSON types: integral numbers are "integer", others "number".
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double(let number): return number.rounded() == number ? "integer" : "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Values as Go's `%#v` shows them in these messages: strings quoted, numbers bare.
    static func shown(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return JSONWriter.string(.string(text))
        case .int, .double, .bool, .null: return JSONWriter.string(value)
        case .array, .object: return "\"\(typeName(value))\""
        }
    }
}

extension APIError {
    /// 422 Invalid with one cause per violation; the message lists them as the real server does.
    static func invalid(_ resource: ResourceType, _ name: String, violations: [SchemaViolation]) -> APIError {
        let kind = resource.isCustom ? "\(resource.kind).\(resource.group)" : resource.kind
        let listed = violations.map { "\($0.field): \($0.message)" }
        let summary = listed.count == 1 ? listed[0] : "[" + listed.joined(separator: ", ") + "]"
        return APIError(
            code: 422, reason: "Invalid", message: "\(kind) \"\(name)\" is invalid: \(summary)",
            details: objectLiteral([
                "name": .string(name), "group": .string(resource.group), "kind": .string(resource.kind),
                "causes": .array(violations.map(\.cause)),
            ]))
    }
}
