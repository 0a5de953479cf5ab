import StructuredData

/// One column of a `meta.k8s.io/v1` Table: its definition, and how a row's cell is worked out.
struct TableColumn: Sendable {
    let name: String
    let type: String
    let format: String
    let description: String
    let priority: Int
    let cell: @Sendable (JSONValue) -> JSONValue

    var definition: JSONValue {
        [
            "name": .string(name), "type": .string(type), "format": .string(format),
            "description": .string(description), "priority": .int(Int64(priority)),
        ]
    }

    static let name = TableColumn(
        name: "Name", type: "string", format: "name", description: "Name must be unique within a namespace.",
        priority: 0) { $0["metadata"]?["name"] ?? "" }

    static let age = TableColumn(
        name: "Age", type: "string", format: "",
        description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
        priority: 0) { age($0["metadata"]?["creationTimestamp"]) }

    static func text(_ name: String, priority: Int = 0, _ compute: @escaping @Sendable (JSONValue) -> String) -> TableColumn {
        TableColumn(name: name, type: "string", format: "", description: name, priority: priority) { .string(compute($0)) }
    }

    static func count(_ name: String, _ compute: @escaping @Sendable (JSONValue) -> Int64) -> TableColumn {
        TableColumn(name: name, type: "integer", format: "", description: name, priority: 0) { .int(compute($0)) }
    }

    /// A CRD's printer column, read with its JSONPath.
    static func printer(_ column: PrinterColumn) -> TableColumn {
        TableColumn(
            name: column.name, type: column.type, format: column.format, description: column.description,
            priority: column.priority
        ) { object in
            let values = SimpleJSONPath.evaluate(column.jsonPath, in: object)
            guard let first = values.first else { return .null }
            switch column.type {
            case "date": return age(first)
            case "integer", "number", "boolean":
                return values.count == 1 ? first : .string(values.map(SimpleJSONPath.text).joined(separator: ","))
            default: return .string(values.map(SimpleJSONPath.text).joined(separator: ","))
            }
        }
    }

    static func age(_ timestamp: JSONValue?) -> JSONValue {
        guard let text = timestamp?.stringValue else { return "<unknown>" }
        return .string(Timestamps.age(since: text))
    }
}
