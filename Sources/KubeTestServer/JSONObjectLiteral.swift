import StructuredData

/// Lets an object be written as a dictionary literal where a `JSONObject` (not a `JSONValue`) is wanted.
func objectLiteral(_ value: JSONValue) -> JSONObject {
    value.objectValue ?? JSONObject()
}
