import StructuredData

/// A watch request, checked and parsed: which objects it follows, from where, and how it wants them written.
struct WatchPlan: Sendable {
    let resource: ResourceType
    let namespace: String?
    let labels: LabelSelector
    let fields: FieldSelector
    /// nil: start with the current objects as ADDED events, as for resourceVersion "" or "0".
    let startVersion: Int64?
    let allowBookmarks: Bool
    let timeoutSeconds: Double?
    let table: TableConverter?

    init(resource: ResourceType, namespace: String?, request: APIRequest) throws(APIError) {
        self.resource = resource
        self.namespace = namespace
        labels = try request.query["labelSelector"].map { text throws(APIError) in try LabelSelector(parsing: text) }
            ?? .everything
        fields = try request.query["fieldSelector"].map { text throws(APIError) in try FieldSelector(parsing: text) }
            ?? .everything
        let version = try Self.parseResourceVersion(request.query["resourceVersion"])
        startVersion = version == 0 ? nil : version
        allowBookmarks = request.query["allowWatchBookmarks"] == "true"
        if let text = request.query["timeoutSeconds"], !text.isEmpty {
            let seconds = try Durations.parseQuerySeconds(text, name: "timeoutSeconds")
            timeoutSeconds = seconds > 0 ? seconds : nil
        } else {
            timeoutSeconds = nil
        }
        table = request.wantsTable
            ? TableConverter(
                resource: resource,
                include: TableConverter.IncludeObject(rawValue: request.query["includeObject"] ?? "") ?? .metadata)
            : nil
    }

    /// resourceVersions are decimal numbers here; anything else is a client bug worth a 400.
    static func parseResourceVersion(_ text: String?) throws(APIError) -> Int64? {
        guard let text, !text.isEmpty else { return nil }
        guard let version = Int64(text), version >= 0 else {
            throw .badRequest("invalid resource version \"\(text)\": must be a decimal number")
        }
        return version
    }

    private func selects(_ stored: JSONValue) -> Bool {
        if let namespace, stored["metadata"]?["namespace"]?.stringValue != namespace { return false }
        let object = ObjectRules.view(stored, as: resource)
        return labels.matches(object: object) && fields.matches(object: object)
    }

    /// What this watch shows for a change: an object entering its selection is ADDED to it,
    /// one leaving is DELETED from it, whatever happened in the store.
    func event(for change: Change) -> (type: String, object: JSONValue)? {
        let now = selects(change.object)
        let before = change.previous.map(selects) ?? false
        switch (change.type, before, now) {
        case (.added, _, true): return ("ADDED", change.object)
        case (.modified, true, true): return ("MODIFIED", change.object)
        case (.modified, false, true): return ("ADDED", change.object)
        case (.modified, true, false): return ("DELETED", change.object)
        case (.deleted, true, _): return ("DELETED", change.object)
        default: return nil
        }
    }

    /// One line of the watch stream.
    func line(type: String, stored: JSONValue) -> [UInt8] {
        var object = ObjectRules.view(stored, as: resource)
        if let table {
            object = table.table([object], metadata: objectLiteral(["resourceVersion": object["metadata"]?["resourceVersion"] ?? ""]))
        }
        var bytes = JSONWriter.bytes(["type": .string(type), "object": object])
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    func bookmarkLine(version: Int64) -> [UInt8] {
        let object: JSONValue = [
            "kind": .string(resource.kind), "apiVersion": .string(resource.apiVersion),
            "metadata": ["resourceVersion": .string(String(version))],
        ]
        var bytes = JSONWriter.bytes(["type": "BOOKMARK", "object": object])
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }

    static func errorLine(_ error: APIError) -> [UInt8] {
        var bytes = JSONWriter.bytes(["type": "ERROR", "object": error.status])
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
