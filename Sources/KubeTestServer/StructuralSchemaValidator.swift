import Foundation
import StructuredData

/// Checks a custom resource against its CRD's structural schema: types, required, enum, bounds
/// on numbers, lengths and item counts, and patterns — the checks the real server makes, worded
/// its way. Root `metadata` is left to the ObjectMeta rules, as on the real server.
enum StructuralSchemaValidator {
    static func violations(_ object: JSONValue, schema: JSONValue) -> [SchemaViolation] {
        var found: [SchemaViolation] = []
        check(object, schema: schema, path: "", isRoot: true, into: &found)
        return found
    }

    private static func check(_ value: JSONValue, schema: JSONValue, path: String, isRoot: Bool, into found: inout [SchemaViolation]) {
        guard schema.objectValue != nil else { return }
        let field = path.isEmpty ? "<root>" : path
        if value.isNull {
            if schema["nullable"]?.boolValue == true { return }
            if let type = schema["type"]?.stringValue { found.append(.typeInvalid(field, expected: type, actual: value)) }
            return
        }
        if schema["x-kubernetes-int-or-string"]?.boolValue == true {
            if value.stringValue == nil && value.intValue == nil {
                found.append(.typeInvalid(field, expected: "integer-or-string", actual: value))
                return
            }
        } else if let type = schema["type"]?.stringValue, !matches(value, type: type) {
            found.append(.typeInvalid(field, expected: type, actual: value))
            return
        }
        if let options = schema["enum"]?.arrayValue, !options.contains(where: { same($0, value) }) {
            found.append(.notSupported(field, value, supported: options))
        }
        switch value {
        case .string(let text): checkString(text, value, schema, field, &found)
        case .int, .double: checkNumber(value.doubleValue ?? 0, value, schema, field, &found)
        case .array(let items):
            if let minimum = schema["minItems"]?.intValue, items.count < minimum {
                found.append(.invalid(field, .int(Int64(items.count)), "should have at least \(minimum) items"))
            }
            if let maximum = schema["maxItems"]?.intValue, items.count > maximum {
                found.append(.tooMany(field, count: items.count, maximum: maximum))
            }
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() {
                    check(item, schema: itemSchema, path: "\(path)[\(index)]", isRoot: false, into: &found)
                }
            }
        case .object(let object): checkObject(object, schema, path, isRoot, &found)
        default: break
        }
    }

    private static func checkObject(
        _ object: JSONObject, _ schema: JSONValue, _ path: String, _ isRoot: Bool, _ found: inout [SchemaViolation]
    ) {
        let prefix = path.isEmpty ? "" : "\(path)."
        for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where object[name] == nil {
            if isRoot && name == "metadata" { continue }
            found.append(.required(prefix + name))
        }
        if let minimum = schema["minProperties"]?.intValue, object.count < minimum {
            found.append(.invalid(path.isEmpty ? "<root>" : path, .int(Int64(object.count)), "should have at least \(minimum) properties"))
        }
        if let maximum = schema["maxProperties"]?.intValue, object.count > maximum {
            found.append(.tooMany(path.isEmpty ? "<root>" : path, count: object.count, maximum: maximum))
        }
        let properties = schema["properties"]?.objectValue
        let additional = schema["additionalProperties"]
        for (key, field) in object {
            if isRoot && key == "metadata" { continue }
            if let fieldSchema = properties?[key] {
                check(field, schema: fieldSchema, path: prefix + key, isRoot: false, into: &found)
            } else if let additional, additional.objectValue != nil {
                check(field, schema: additional, path: prefix + key, isRoot: false, into: &found)
            }
        }
    }

    private static func checkString(
        _ text: String, _ value: JSONValue, _ schema: JSONValue, _ field: String, _ found: inout [SchemaViolation]
    ) {
        let length = text.unicodeScalars.count
        if let minimum = schema["minLength"]?.intValue, length < minimum {
            found.append(.invalid(field, value, "should be at least \(minimum) chars long"))
        }
        if let maximum = schema["maxLength"]?.intValue, length > maximum {
            found.append(.tooLong(field, maximum: maximum))
        }
        if let pattern = schema["pattern"]?.stringValue, !PatternCache.matches(pattern, text) {
            found.append(.invalid(field, value, "should match '\(pattern)'"))
        }
    }

    private static func checkNumber(
        _ number: Double, _ value: JSONValue, _ schema: JSONValue, _ field: String, _ found: inout [SchemaViolation]
    ) {
        if let minimum = schema["minimum"]?.doubleValue {
            let exclusive = schema["exclusiveMinimum"]?.boolValue == true
            if exclusive ? number <= minimum : number < minimum {
                let bound = schema["minimum"].map(SchemaViolation.shown) ?? ""
                found.append(.invalid(field, value, "should be greater than \(exclusive ? "" : "or equal to ")\(bound)"))
            }
        }
        if let maximum = schema["maximum"]?.doubleValue {
            let exclusive = schema["exclusiveMaximum"]?.boolValue == true
            if exclusive ? number >= maximum : number > maximum {
                let bound = schema["maximum"].map(SchemaViolation.shown) ?? ""
                found.append(.invalid(field, value, "should be less than \(exclusive ? "" : "or equal to ")\(bound)"))
            }
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch type {
        case "object": return value.objectValue != nil
        case "array": return value.arrayValue != nil
        case "string": return value.stringValue != nil
        case "boolean": return value.boolValue != nil
        case "integer": return value.intValue != nil
        case "number": if case .int = value { return true }; if case .double = value { return true }; return false
        default: return true
        }
    }

    /// Enum members compare as JSON values, with 1 and 1.0 the same number.
    private static func same(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        if let left = lhs.doubleValue, let right = rhs.doubleValue, lhs.stringValue == nil { return left == right }
        return lhs == rhs
    }
}
