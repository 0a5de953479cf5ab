import Foundation
import StructuredData

/// Decodes `application/vnd.kubernetes.protobuf` bodies into the JSON the rest of the server works
/// with: the `k8s\0` magic, a `runtime.Unknown` envelope, and inside it a Namespace, Secret or
/// ConfigMap — the kinds `kubectl create namespace|secret|configmap|serviceaccount` send. Other kinds get 415.
enum KubernetesProtobuf {
    static let contentType = "application/vnd.kubernetes.protobuf"
    private static let magic: [UInt8] = [0x6b, 0x38, 0x73, 0x00]

    static func object(_ body: [UInt8], for resource: ResourceType) throws(APIError) -> JSONValue {
        do {
            return try decode(body, resource)
        } catch let error as APIError {
            throw error
        } catch let error as ProtobufReader.Malformed {
            throw .badRequest("the body of the request could not be decoded as protobuf: \(error.why)")
        } catch {
            throw .badRequest("the body of the request could not be decoded as protobuf")
        }
    }

    private static func decode(_ body: [UInt8], _ resource: ResourceType) throws -> JSONValue {
        guard body.count >= magic.count, Array(body.prefix(magic.count)) == magic else {
            throw APIError.badRequest("the protobuf body does not start with the Kubernetes magic number")
        }
        var apiVersion = "", kind = ""
        var raw: ArraySlice<UInt8> = []
        for (field, value) in try ProtobufReader.fields(body[magic.count...]) {
            switch field {
            case 1:
                for (typeField, typeValue) in try ProtobufReader.fields(value.message ?? []) {
                    if typeField == 1 { apiVersion = typeValue.text ?? "" }
                    if typeField == 2 { kind = typeValue.text ?? "" }
                }
            case 2: raw = value.message ?? []
            default: break
            }
        }
        var object: JSONObject
        switch (resource.group, resource.plural) {
        case ("", "namespaces"): object = try namespace(raw)
        case ("", "secrets"): object = try secret(raw)
        case ("", "configmaps"): object = try configMap(raw)
        case ("", "serviceaccounts"): object = try metadataOnly(raw)
        default:
            throw APIError.unsupportedMediaType(contentType, accepted: RequestBody.acceptedObjectTypes)
        }
        if !apiVersion.isEmpty { object["apiVersion"] = .string(apiVersion) }
        if !kind.isEmpty { object["kind"] = .string(kind) }
        return .object(object)
    }

    private static func namespace(_ raw: ArraySlice<UInt8>) throws -> JSONObject {
        var object = JSONObject()
        for (field, value) in try ProtobufReader.fields(raw) {
            switch field {
            case 1: object["metadata"] = .object(try objectMeta(value.message ?? []))
            case 2:
                let finalizers = try ProtobufReader.fields(value.message ?? []).filter { $0.field == 1 }.compactMap(\.value.text)
                if !finalizers.isEmpty { object["spec"] = ["finalizers": .array(finalizers.map(JSONValue.string))] }
            default: break
            }
        }
        return object
    }

    /// A ServiceAccount as `kubectl create serviceaccount` sends it: nothing but its metadata.
    private static func metadataOnly(_ raw: ArraySlice<UInt8>) throws -> JSONObject {
        var object = JSONObject()
        for (field, value) in try ProtobufReader.fields(raw) where field == 1 {
            object["metadata"] = .object(try objectMeta(value.message ?? []))
        }
        return object
    }

    private static func secret(_ raw: ArraySlice<UInt8>) throws -> JSONObject {
        var object = JSONObject()
        var data = JSONObject(), stringData = JSONObject()
        for (field, value) in try ProtobufReader.fields(raw) {
            switch field {
            case 1: object["metadata"] = .object(try objectMeta(value.message ?? []))
            case 2:
                let (key, bytes) = try mapEntry(value)
                data[key] = .string(Data(bytes).base64EncodedString())
            case 3: object["type"] = .string(value.text ?? "")
            case 4:
                let (key, bytes) = try mapEntry(value)
                stringData[key] = .string(String(decoding: bytes, as: UTF8.self))
            case 5: object["immutable"] = .bool(value.number == 1)
            default: break
            }
        }
        if !data.isEmpty { object["data"] = .object(data) }
        if !stringData.isEmpty { object["stringData"] = .object(stringData) }
        return object
    }

    private static func configMap(_ raw: ArraySlice<UInt8>) throws -> JSONObject {
        var object = JSONObject()
        var data = JSONObject(), binaryData = JSONObject()
        for (field, value) in try ProtobufReader.fields(raw) {
            switch field {
            case 1: object["metadata"] = .object(try objectMeta(value.message ?? []))
            case 2:
                let (key, bytes) = try mapEntry(value)
                data[key] = .string(String(decoding: bytes, as: UTF8.self))
            case 3:
                let (key, bytes) = try mapEntry(value)
                binaryData[key] = .string(Data(bytes).base64EncodedString())
            case 4: object["immutable"] = .bool(value.number == 1)
            default: break
            }
        }
        if !data.isEmpty { object["data"] = .object(data) }
        if !binaryData.isEmpty { object["binaryData"] = .object(binaryData) }
        return object
    }

    /// The fields of `ObjectMeta` a client sets; what the server owns (uid, resourceVersion, …) is ignored.
    private static func objectMeta(_ raw: ArraySlice<UInt8>) throws -> JSONObject {
        var metadata = JSONObject()
        var labels = JSONObject(), annotations = JSONObject()
        var finalizers: [JSONValue] = []
        for (field, value) in try ProtobufReader.fields(raw) {
            switch field {
            case 1: metadata["name"] = .string(value.text ?? "")
            case 2: metadata["generateName"] = .string(value.text ?? "")
            case 3: metadata["namespace"] = .string(value.text ?? "")
            case 11:
                let (key, bytes) = try mapEntry(value)
                labels[key] = .string(String(decoding: bytes, as: UTF8.self))
            case 12:
                let (key, bytes) = try mapEntry(value)
                annotations[key] = .string(String(decoding: bytes, as: UTF8.self))
            case 14: finalizers.append(.string(value.text ?? ""))
            default: break
            }
        }
        if !labels.isEmpty { metadata["labels"] = .object(labels) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
        if !finalizers.isEmpty { metadata["finalizers"] = .array(finalizers) }
        return metadata
    }

    /// A map entry is a message with the key in field 1 and the value in field 2.
    private static func mapEntry(_ value: ProtobufReader.Value) throws -> (String, ArraySlice<UInt8>) {
        var key = ""
        var bytes: ArraySlice<UInt8> = []
        for (field, part) in try ProtobufReader.fields(value.message ?? []) {
            if field == 1 { key = part.text ?? "" }
            if field == 2 { bytes = part.message ?? [] }
        }
        return (key, bytes)
    }
}
