import StructuredData

/// Renders objects as a `meta.k8s.io/v1` Table, which `kubectl get` asks for and prints as is.
struct TableConverter: Sendable {
    enum IncludeObject: String, Sendable {
        case none = "None"
        case metadata = "Metadata"
        case object = "Object"
    }

    let resource: ResourceType
    let include: IncludeObject

    /// Built-ins without columns of their own, and CRDs without printer columns, show name and age.
    private var columns: [PrinterColumn] {
        if !resource.printerColumns.isEmpty { return resource.printerColumns }
        return [PrinterColumn(
            name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp",
            description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
            priority: 0, format: "")]
    }

    func table(_ objects: [JSONValue], metadata: JSONObject) -> JSONValue {
        var definitions: [JSONValue] = [
            [
                "name": "Name", "type": "string", "format": "name", "priority": 0,
                "description": "Name must be unique within a namespace.",
            ]
        ]
        for column in columns {
            definitions.append([
                "name": .string(column.name), "type": .string(column.type), "format": .string(column.format),
                "description": .string(column.description), "priority": .int(Int64(column.priority)),
            ])
        }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(metadata),
            "columnDefinitions": .array(definitions), "rows": .array(objects.map(row)),
        ]
    }

    private func row(_ object: JSONValue) -> JSONValue {
        var cells: [JSONValue] = [object["metadata"]?["name"] ?? ""]
        for column in columns {
            let values = SimpleJSONPath.evaluate(column.jsonPath, in: object)
            cells.append(cell(values, type: column.type))
        }
        var row: JSONObject = objectLiteral(["cells": .array(cells)])
        switch include {
        case .none: break
        case .object: row["object"] = object
        case .metadata:
            row["object"] = [
                "kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                "metadata": object["metadata"] ?? .object(JSONObject()),
            ]
        }
        return .object(row)
    }

    private func cell(_ values: [JSONValue], type: String) -> JSONValue {
        guard let first = values.first else { return .null }
        switch type {
        case "date":
            guard let text = first.stringValue else { return .null }
            return .string(Timestamps.age(since: text))
        case "integer", "number", "boolean":
            return values.count == 1 ? first : .string(values.map(SimpleJSONPath.text).joined(separator: ","))
        default:
            return .string(values.map(SimpleJSONPath.text).joined(separator: ","))
        }
    }
}
