import StructuredData

/// Reads typed fields out of a JSON map while collecting every problem with its path,
/// so that decoding never stops at the first mistake.
struct FieldReader {
    private(set) var problems: [ValidationProblem] = []
    /// Accepted, but probably not what the author meant: unknown fields, fields ignored as Argo ignores them.
    private(set) var warnings: [ValidationProblem] = []

    mutating func report(_ path: String, _ message: String) {
        problems.append(ValidationProblem(path: path, message: message))
    }

    mutating func warn(_ path: String, _ message: String) {
        warnings.append(ValidationProblem(path: path, message: message))
    }

    /// An integer within `range`: every number a user gives is bounded to what the code can compute with,
    /// so no later arithmetic on it can overflow.
    mutating func integer(_ value: JSONValue?, at path: String, in range: ClosedRange<Int>) -> Int? {
        guard let value, !value.isNull else { return nil }
        let bounds = "an integer from \(range.lowerBound) to \(range.upperBound)"
        switch value {
        case .int(let number):
            guard let integer = Int(exactly: number), range.contains(integer) else {
                report(path, "must be \(bounds), got \(number)")
                return nil
            }
            return integer
        case .double(let number):
            guard number.isFinite, number.rounded() == number, let integer = Int(exactly: number), range.contains(integer)
            else {
                report(path, "must be \(bounds), got \(number)")
                return nil
            }
            return integer
        default:
            report(path, "must be \(bounds), got \(value.typeName)")
            return nil
        }
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
        FieldSchema.secretKeySelector.warnAboutUnknownKeys(of: object, at: path, into: &self)
        let name = string(object["name"], at: "\(path).name")
        let key = string(object["key"], at: "\(path).key")
        let optional = boolean(object["optional"], at: "\(path).optional") ?? false
        if name == nil || name?.isEmpty == true { report("\(path).name", "required") }
        if key == nil || key?.isEmpty == true { report("\(path).key", "required") }
        guard let name, let key, !name.isEmpty, !key.isEmpty else { return nil }
        // Kubernetes cannot store a Secret or key with another name, and a name like `../x` would
        // leave `run --secrets-dir`'s directory.
        if let problem = KubernetesName.secretNameProblem(name) { report("\(path).name", problem) }
        if let problem = KubernetesName.secretKeyProblem(key) { report("\(path).key", problem) }
        if optional {
            warn(
                "\(path).optional",
                "ignored, as Argo ignores it (its Secret volumes are never optional): the entry waits until the Secret exists")
        }
        return SecretKeySelector(name: name, key: key, optional: optional)
    }
}
