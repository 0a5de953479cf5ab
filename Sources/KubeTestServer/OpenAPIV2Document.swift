import StructuredData

/// `/openapi/v2`, which kubectl reads only when `/openapi/v3` is missing, and some older clients
/// read always. Schemas live in v3 here; v2 is an empty but valid document, in protobuf when
/// asked for (kubectl asks only for protobuf) and JSON otherwise, so such clients validate nothing
/// on their side and leave it to the server.
enum OpenAPIV2Document {
    /// What a real server answers with, whichever of the two spellings kubectl asked for: the old
    /// `…spec.v2@v1.0+protobuf` is not a valid media type ('@' ends the subtype), and kubectl's
    /// parser fails on it with "mime: unexpected content after media subtype".
    static let protobufType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

    static func response(accept: String) -> APIResponse {
        if accept.contains("protobuf") {
            return .bytes(status: 200, body: protobuf, contentType: protobufType)
        }
        return .ok(json)
    }

    static let json: JSONValue = [
        "swagger": "2.0", "info": ["title": "Kubernetes", "version": "v1.32.0"], "paths": [:], "definitions": [:],
    ]

    /// gnostic's `openapi_v2.Document` with `swagger` (field 1) and `info` (field 2: title 1, version 2).
    static let protobuf: [UInt8] = {
        func field(_ number: UInt8, _ payload: [UInt8]) -> [UInt8] {
            [number << 3 | 2, UInt8(payload.count)] + payload
        }
        let info = field(1, Array("Kubernetes".utf8)) + field(2, Array("v1.32.0".utf8))
        return field(1, Array("2.0".utf8)) + field(2, info)
    }()
}
