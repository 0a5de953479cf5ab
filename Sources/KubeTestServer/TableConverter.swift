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

    /// Built-ins print their usual columns; CRDs their printer columns, or name and age without any.
    private var columns: [TableColumn] {
        if !resource.printerColumns.isEmpty { return [.name] + resource.printerColumns.map(TableColumn.printer) }
        return BuiltInTableColumns.columns(for: resource) ?? [.name, .age]
    }

    func table(_ objects: [JSONValue], metadata: JSONObject) -> JSONValue {
        let columns = self.columns
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(metadata),
            "columnDefinitions": .array(columns.map(\.definition)),
            "rows": .array(objects.map { row($0, columns) }),
        ]
    }

    private func row(_ object: JSONValue, _ columns: [TableColumn]) -> JSONValue {
        var row: JSONObject = objectLiteral(["cells": .array(columns.map { $0.cell(object) })])
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
}
