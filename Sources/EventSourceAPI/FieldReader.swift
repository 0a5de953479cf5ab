import StructuredData

/// Reads typed fields out of a JSON map while collecting every problem with its path,
/// so that decoding never stops at the first mistake.
struct FieldReader {
    private(set) var problems: [ValidationProblem] = []

    mutating func report(_ path: String, _ message: String) {
        problems.append(ValidationProblem(path: path, message: message))
    }

    mutating func object(_ value: JSONValue?, at path: String) -> JSONObject? {
        guard let value, !value.isNull else { return nil }
        guard case .object(let object) = value else {
            report(path, "expected a map, got \(value.typeName)")
            return nil
        }
        return object
    }

    mutating func string(_ value: JSONValue?, at path: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard case .string(let text) = value else {
            report(path, "expected a string, got \(value.typeName)")
            return nil
        }
        return text
    }

    mutating func integer(_ value: JSONValue?, at path: String) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let number = value.intValue, let integer = Int(exactly: number) else {
            report(path, "expected an integer, got \(value.typeName)")
            return nil
        }
        return integer
    }

    mutating func boolean(_ value: JSONValue?, at path: String) -> Bool? {
        guard let value, !value.isNull else { return nil }
        guard case .bool(let flag) = value else {
            report(path, "expected true or false, got \(value.typeName)")
            return nil
        }
        return flag
    }

    mutating func stringList(_ value: JSONValue?, at path: String) -> [String]? {
        guard let value, !value.isNull else { return nil }
        guard case .array(let items) = value else {
            report(path, "expected a list of strings, got \(value.typeName)")
            return nil
        }
        var strings: [String] = []
        for (index, item) in items.enumerated() {
            if let text = string(item, at: "\(path)[\(index)]") { strings.append(text) }
        }
        return strings
    }

    mutating func stringMap(_ value: JSONValue?, at path: String) -> [String: String]? {
        guard let object = object(value, at: path) else { return nil }
        var map: [String: String] = [:]
        for (key, item) in object {
            if let text = string(item, at: "\(path).\(key)") { map[key] = text }
        }
        return map
    }

    mutating func secretKeySelector(_ value: JSONValue?, at path: String) -> SecretKeySelector? {
        guard let object = object(value, at: path) else { return nil }
        let name = string(object["name"], at: "\(path).name")
        let key = string(object["key"], at: "\(path).key")
        let optional = boolean(object["optional"], at: "\(path).optional") ?? false
        if name == nil || name?.isEmpty == true { report("\(path).name", "required") }
        if key == nil || key?.isEmpty == true { report("\(path).key", "required") }
        guard let name, let key, !name.isEmpty, !key.isEmpty else { return nil }
        return SecretKeySelector(name: name, key: key, optional: optional)
    }
}
