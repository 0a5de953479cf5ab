import StructuredData

/// Strategic merge patch for the built-in kinds, which `kubectl apply` sends when it updates them:
/// a merge patch in which lists of objects with a merge key (containers by name, ports by port…)
/// merge element by element, and `$`-directives (`$setElementOrder/…`, `$patch`, `$retainKeys`,
/// `$deleteFromPrimitiveList/…`) steer it. The merge keys are the ones the built-in types declare.
enum StrategicMergePatch {
    /// Lists merged by a key; any other list is replaced whole, as the types declare.
    private static let mergeKeys: [String: String] = [
        "containers": "name", "initContainers": "name", "ephemeralContainers": "name", "volumes": "name",
        "env": "name", "imagePullSecrets": "name", "volumeMounts": "mountPath", "volumeDevices": "devicePath",
        "hostAliases": "ip", "conditions": "type", "ownerReferences": "uid", "topologySpreadConstraints": "topologyKey",
    ]
    /// Lists of strings merged as sets.
    private static let primitiveMergeLists: Set<String> = ["finalizers"]

    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchObject) = patch else { return patch }
        if patchObject["$patch"]?.stringValue == "replace" { return withoutDirectives(patch) }
        var result = target.objectValue ?? JSONObject()
        for (key, value) in patchObject where !key.hasPrefix("$") {
            if value.isNull {
                result[key] = nil
            } else if case .array(let items) = value, let existing = result[key]?.arrayValue {
                result[key] = .array(mergeList(key, existing, items))
            } else if value.objectValue != nil {
                result[key] = apply(value, to: result[key] ?? .null)
            } else {
                result[key] = withoutDirectives(value)
            }
        }
        for (key, value) in patchObject {
            if key.hasPrefix("$deleteFromPrimitiveList/"), let removed = value.arrayValue {
                let field = String(key.dropFirst("$deleteFromPrimitiveList/".count))
                result[field] = result[field]?.arrayValue.map { list in .array(list.filter { !removed.contains($0) }) }
            }
            if key.hasPrefix("$setElementOrder/"), let order = value.arrayValue {
                let field = String(key.dropFirst("$setElementOrder/".count))
                if let list = result[field]?.arrayValue { result[field] = .array(ordered(field, list, by: order)) }
            }
        }
        if let retained = patchObject["$retainKeys"]?.arrayValue?.compactMap(\.stringValue) {
            for key in result.keys where !retained.contains(key) { result[key] = nil }
        }
        return .object(result)
    }

    private static func mergeList(_ field: String, _ existing: [JSONValue], _ patch: [JSONValue]) -> [JSONValue] {
        if primitiveMergeLists.contains(field) {
            return existing + patch.filter { !existing.contains($0) }
        }
        guard let key = mergeKey(field, patch + existing) else { return patch.map(withoutDirectives) }
        var result = existing
        for element in patch {
            guard let identity = element[key] else { continue }
            let index = result.firstIndex { $0[key] == identity }
            if element["$patch"]?.stringValue == "delete" {
                if let index { result.remove(at: index) }
            } else if let index {
                result[index] = apply(element, to: result[index])
            } else {
                result.append(apply(element, to: .null))
            }
        }
        return result
    }

    /// Container ports merge by `containerPort`, Service ports by `port`: both lists are called `ports`.
    private static func mergeKey(_ field: String, _ elements: [JSONValue]) -> String? {
        if field == "ports" { return elements.contains { $0["containerPort"] != nil } ? "containerPort" : "port" }
        return mergeKeys[field]
    }

    /// `$setElementOrder` lists the elements in their wanted order; any others keep theirs, after them.
    private static func ordered(_ field: String, _ list: [JSONValue], by order: [JSONValue]) -> [JSONValue] {
        let key = mergeKey(field, list)
        func identity(_ value: JSONValue) -> JSONValue { key.flatMap { value[$0] } ?? value }
        var remaining = list
        var result: [JSONValue] = []
        for wanted in order {
            if let index = remaining.firstIndex(where: { identity($0) == identity(wanted) }) {
                result.append(remaining.remove(at: index))
            }
        }
        return result + remaining
    }

    private static func withoutDirectives(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            var result = JSONObject()
            for (key, item) in object where !key.hasPrefix("$") { result[key] = withoutDirectives(item) }
            return .object(result)
        case .array(let items): return .array(items.map(withoutDirectives))
        default: return value
        }
    }
}
