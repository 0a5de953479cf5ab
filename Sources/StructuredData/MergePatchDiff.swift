/// Builds the JSON merge patch (RFC 7386) that turns one document into another: changed keys
/// carry their new value, removed keys `null`, nested objects recurse, everything else replaces.
public enum MergePatchDiff {
    public static func make(from old: JSONValue?, to new: JSONValue) -> JSONValue {
        guard case .object(let newObject) = new, case .object(let oldObject)? = old else { return new }
        var patch = JSONObject()
        for (key, value) in newObject {
            guard let previous = oldObject[key] else {
                patch[key] = value
                continue
            }
            if previous == value { continue }
            if case .object = value, case .object = previous {
                patch[key] = make(from: previous, to: value)
            } else {
                patch[key] = value
            }
        }
        for key in oldObject.keys where newObject[key] == nil {
            patch[key] = .null
        }
        return .object(patch)
    }
}
