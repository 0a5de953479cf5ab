import Foundation
import StructuredData

/// The opaque `continue` value of a paged list: the list's resourceVersion and the last key served.
struct ContinueToken: Sendable {
    let resourceVersion: Int64
    let after: ObjectKey

    var encoded: String {
        let value: JSONValue = [
            "rv": .int(resourceVersion), "ns": .string(after.namespace), "name": .string(after.name),
        ]
        return Data(JSONWriter.bytes(value)).base64EncodedString()
    }

    init(resourceVersion: Int64, after: ObjectKey) {
        self.resourceVersion = resourceVersion
        self.after = after
    }

    init(decoding text: String) throws(APIError) {
        guard let data = Data(base64Encoded: text), let value = try? JSONParser.parse([UInt8](data)),
            let version = value["rv"]?.intValue, let namespace = value["ns"]?.stringValue,
            let name = value["name"]?.stringValue
        else { throw .badRequest("continue key is not valid: \(text)") }
        resourceVersion = version
        after = ObjectKey(namespace: namespace, name: name)
    }
}
