import StructuredData

/// The types `ObjectMeta` requires. A patch or body can put anything anywhere; what it leaves
/// must still be an object the server could decode, as the real server's typed decoding ensures.
enum MetadataShape {
    private static let stringFields = ["name", "generateName", "namespace", "resourceVersion", "uid"]
    private static let stringMapFields = ["labels", "annotations"]

    static func check(_ object: JSONValue, _ resource: ResourceType, name: String) throws(APIError) {
        func invalid(_ field: String, _ value: JSONValue, _ expected: String) -> APIError {
            .invalid(resource, name, field: field, "Invalid value: \(value.typeName): must be \(expected)")
        }
        guard object.objectValue != nil else { throw invalid("<root>", object, "an object") }
        guard let metadataValue = object["metadata"], !metadataValue.isNull else { return }
        guard let metadata = metadataValue.objectValue else { throw invalid("metadata", metadataValue, "an object") }
        for field in stringFields {
            if let value = metadata[field], !value.isNull, value.stringValue == nil {
                throw invalid("metadata.\(field)", value, "a string")
            }
        }
        for field in stringMapFields {
            guard let value = metadata[field], !value.isNull else { continue }
            guard let map = value.objectValue else { throw invalid("metadata.\(field)", value, "a map of strings") }
            for (key, entry) in map where entry.stringValue == nil {
                throw invalid("metadata.\(field).\(key)", entry, "a string")
            }
        }
        if let value = metadata["finalizers"], !value.isNull {
            guard let list = value.arrayValue else { throw invalid("metadata.finalizers", value, "a list of strings") }
            for (index, entry) in list.enumerated() where entry.stringValue == nil {
                throw invalid("metadata.finalizers[\(index)]", entry, "a string")
            }
        }
        for field in ["apiVersion", "kind"] {
            if let value = object[field], !value.isNull, value.stringValue == nil { throw invalid(field, value, "a string") }
        }
    }
}
