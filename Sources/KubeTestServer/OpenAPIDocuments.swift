import StructuredData

/// `/openapi/v3` and its per-group-version documents, built from the catalog at the moment of asking:
/// a schema for every CRD version (from its `openAPIV3Schema`) and for every built-in kind, and the
/// paths whose PATCH operations name the `fieldValidation` parameter — which is how kubectl learns
/// that the server validates fields itself and sends `fieldValidation=Strict`.
enum OpenAPIDocuments {
    /// "api/v1" or "apis/GROUP/VERSION", as the real server keys its documents.
    static func key(group: String, version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    static func root(_ catalog: ResourceCatalog) -> JSONValue {
        var paths = JSONObject()
        for (group, version) in groupVersions(catalog) {
            let key = key(group: group, version: version)
            let document = groupVersion(catalog, group: group, version: version)
            paths[key] = ["serverRelativeURL": .string("/openapi/v3/\(key)?hash=\(hash(document))")]
        }
        return ["paths": .object(paths)]
    }

    /// The document for a path after `/openapi/v3/`, or nil when no such group version is served.
    static func document(_ catalog: ResourceCatalog, path: String) -> JSONValue? {
        groupVersions(catalog).first { key(group: $0.group, version: $0.version) == path }.map {
            groupVersion(catalog, group: $0.group, version: $0.version)
        }
    }

    private static func groupVersions(_ catalog: ResourceCatalog) -> [(group: String, version: String)] {
        var result: [(group: String, version: String)] = []
        for resource in catalog.all where !result.contains(where: { $0 == (resource.group, resource.version) }) {
            result.append((resource.group, resource.version))
        }
        return result
    }

    static func groupVersion(_ catalog: ResourceCatalog, group: String, version: String) -> JSONValue {
        var schemas = JSONObject()
        var paths = JSONObject()
        for resource in catalog.resources(group: group, version: version) {
            let name = schemaName(resource)
            schemas[name] = schema(resource)
            let reference: JSONValue = ["$ref": .string("#/components/schemas/\(name)")]
            let prefix = "/" + key(group: group, version: version) + (resource.namespaced ? "/namespaces/{namespace}" : "")
            paths["\(prefix)/\(resource.plural)"] = [
                "get": operation(resource, action: "list", reference: reference, validates: false),
                "post": operation(resource, action: "post", reference: reference, validates: true),
            ]
            paths["\(prefix)/\(resource.plural)/{name}"] = [
                "get": operation(resource, action: "get", reference: reference, validates: false),
                "put": operation(resource, action: "put", reference: reference, validates: true),
                "patch": operation(resource, action: "patch", reference: reference, validates: true),
                "delete": operation(resource, action: "delete", reference: reference, validates: false),
            ]
        }
        return [
            "openapi": "3.0.0",
            "info": ["title": "Kubernetes", "version": Discovery.version()["gitVersion"] ?? "v1.32.0"],
            "paths": .object(paths),
            "components": ["schemas": .object(schemas)],
        ]
    }

    /// As the real server names schemas: the group reversed, then version and kind
    /// (`io.argoproj.v1alpha1.EventSource`); core kinds under `io.k8s.api.core`.
    static func schemaName(_ resource: ResourceType) -> String {
        if !resource.isCustom {
            let group = resource.group.isEmpty ? "core" : resource.group.split(separator: ".").first.map(String.init) ?? "core"
            return "io.k8s.api.\(group).\(resource.version).\(resource.kind)"
        }
        let reversed = resource.group.split(separator: ".").reversed().joined(separator: ".")
        return "\(reversed).\(resource.version).\(resource.kind)"
    }

    private static func gvk(_ resource: ResourceType) -> JSONValue {
        ["group": .string(resource.group), "kind": .string(resource.kind), "version": .string(resource.version)]
    }

    private static func schema(_ resource: ResourceType) -> JSONValue {
        var schema = resource.schema?.objectValue
            ?? objectLiteral([
                "type": "object", "x-kubernetes-preserve-unknown-fields": true,
                "description": .string("\(resource.kind) is served by kube-testserver, which stores it as given."),
            ])
        var properties = schema["properties"]?.objectValue ?? JSONObject()
        properties["apiVersion"] = [
            "type": "string",
            "description": "APIVersion defines the versioned schema of this representation of an object.",
        ]
        properties["kind"] = ["type": "string", "description": "Kind is a string value representing the REST resource this object represents."]
        properties["metadata"] = ObjectMetaSchema.schema
        schema["properties"] = .object(properties)
        schema["x-kubernetes-group-version-kind"] = [gvk(resource)]
        return .object(schema)
    }

    private static func operation(_ resource: ResourceType, action: String, reference: JSONValue, validates: Bool) -> JSONValue {
        var parameters: [JSONValue] = [
            ["name": "dryRun", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
            ["name": "fieldManager", "in": "query", "schema": ["type": "string", "uniqueItems": true]],
        ]
        if validates {
            parameters.append(["name": "fieldValidation", "in": "query", "schema": ["type": "string", "uniqueItems": true]])
        }
        return [
            "x-kubernetes-action": .string(action),
            "x-kubernetes-group-version-kind": gvk(resource),
            "parameters": .array(parameters),
            "responses": ["200": ["description": "OK", "content": ["application/json": ["schema": reference]]]],
        ]
    }

    /// The real server hashes each document so clients can cache it; any digest that changes with it will do.
    static func hash(_ document: JSONValue) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in JSONWriter.bytes(document) {
            value ^= UInt64(byte)
            value = value &* 0x0100_0000_01b3
        }
        let hex = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
