import Foundation
import StructuredData

/// The checks and bookkeeping the API server applies to every object it stores.
enum ObjectRules {
    /// The object as a client of `resource` sees it.
    static func view(_ stored: JSONValue, as resource: ResourceType) -> JSONValue {
        switch resource.view {
        case .eventsV1: return EventsV1View.fromStorage(stored)
        case .native:
            var object = stored
            object["apiVersion"] = .string(resource.apiVersion)
            return object
        }
    }

    static func toStorage(_ object: JSONValue, as resource: ResourceType) -> JSONValue {
        switch resource.view {
        case .eventsV1: return EventsV1View.toStorage(object)
        case .native: return object
        }
    }

    /// The decoded body must be the kind of object the URL names. Type fields left out are taken
    /// from the URL, as the real server does (the Python client sends bodies without them).
    static func withTypeMeta(_ object: JSONValue, _ resource: ResourceType) throws(APIError) -> JSONValue {
        var object = object
        let kind = object["kind"]?.stringValue ?? ""
        if kind.isEmpty {
            object["kind"] = .string(resource.kind)
        } else if kind != resource.kind {
            throw .badRequest("the kind in the data (\(kind)) does not match the expected kind (\(resource.kind))")
        }
        let apiVersion = object["apiVersion"]?.stringValue ?? ""
        if apiVersion.isEmpty {
            object["apiVersion"] = .string(resource.apiVersion)
            return object
        }
        let acceptable = resource.isCustom ? apiVersion.hasPrefix(resource.group + "/") : apiVersion == resource.apiVersion
        guard acceptable else {
            throw .badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(resource.apiVersion))")
        }
        return object
    }

    /// DNS-1123 subdomain names (most resources) or labels (namespaces).
    static func checkName(_ name: String, _ resource: ResourceType) throws(APIError) {
        let isLabel = resource.plural == "namespaces"
        let limit = isLabel ? 63 : 253
        let parts = isLabel ? [Substring(name)] : name.split(separator: ".", omittingEmptySubsequences: false)
        let valid = !name.isEmpty && name.count <= limit && parts.allSatisfy { part in
            !part.isEmpty && part.first != "-" && part.last != "-"
                && part.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
        }
        guard valid else {
            let rule = isLabel
                ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'"
                : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'"
            let shown = name.count > 80 ? name.prefix(80) + "..." : Substring(name)
            throw .invalid(resource, String(shown), field: "metadata.name", "Invalid value: \"\(shown)\": \(rule)")
        }
    }

    static func generatedName(prefix: String) -> String {
        let alphabet = Array("bcdfghjklmnpqrstvwxz2456789")
        return prefix + String((0..<5).map { _ in alphabet.randomElement()! })
    }

    /// What generation tracks: everything but metadata and status.
    static func desiredState(_ object: JSONValue) -> JSONValue {
        var copy = object
        copy["metadata"] = nil
        copy["status"] = nil
        copy["apiVersion"] = nil
        copy["kind"] = nil
        return copy
    }

    /// Two versions of an object that differ only in what the server keeps for itself are the same.
    static func sameContent(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        func normalized(_ value: JSONValue) -> JSONValue {
            var copy = value
            copy["metadata"]?["resourceVersion"] = nil
            copy["metadata"]?["managedFields"] = nil
            copy["apiVersion"] = nil
            return copy
        }
        return normalized(lhs) == normalized(rhs)
    }

    static func finalizers(_ object: JSONValue) -> [String] {
        object["metadata"]?["finalizers"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    static func checkSize(_ object: JSONValue, limit: Int, _ resource: ResourceType) throws(APIError) {
        if JSONWriter.bytes(object).count > limit { throw .tooLarge(limit: limit) }
    }

    /// Records who changed an object, as `managedFields` does, when the request names a field manager.
    static func recordManager(
        _ object: inout JSONValue, manager: String?, operation: String, subresource: String?
    ) {
        guard let manager, !manager.isEmpty else { return }
        var entries = object["metadata"]?["managedFields"]?.arrayValue ?? []
        entries.removeAll {
            $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == operation
                && $0["subresource"]?.stringValue == subresource
        }
        var entry: JSONObject = objectLiteral([
            "manager": .string(manager), "operation": .string(operation),
            "apiVersion": object["apiVersion"] ?? "", "time": .string(KubeTime.time()),
            "fieldsType": "FieldsV1", "fieldsV1": .object(JSONObject()),
        ])
        if let subresource { entry["subresource"] = .string(subresource) }
        entries.append(.object(entry))
        object["metadata"]?["managedFields"] = .array(entries)
    }

    /// Secrets accept `stringData` as a convenience and store it base64-encoded under `data`.
    static func foldStringData(_ object: inout JSONValue) {
        guard let stringData = object["stringData"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? JSONObject()
        for (key, value) in stringData {
            data[key] = .string(Data((value.stringValue ?? "").utf8).base64EncodedString())
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }
}
