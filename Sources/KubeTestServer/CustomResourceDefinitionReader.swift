import StructuredData

/// Turns a `CustomResourceDefinition` object into the resources it makes servable,
/// refusing definitions the real API server would refuse.
enum CustomResourceDefinitionReader {
    static func resources(from crd: JSONValue) throws(APIError) -> [ResourceType] {
        let name = crd["metadata"]?["name"]?.stringValue ?? ""
        let resource = BuiltInResources.customResourceDefinitions
        func invalid(_ field: String, _ problem: String) -> APIError {
            .invalid(resource, name, field: field, problem)
        }
        guard let spec = crd["spec"]?.objectValue else { throw invalid("spec", "Required value") }
        guard let group = spec["group"]?.stringValue, !group.isEmpty else {
            throw invalid("spec.group", "Required value")
        }
        guard let names = spec["names"]?.objectValue else { throw invalid("spec.names", "Required value") }
        guard let plural = names["plural"]?.stringValue, !plural.isEmpty else {
            throw invalid("spec.names.plural", "Required value")
        }
        guard let kind = names["kind"]?.stringValue, !kind.isEmpty else {
            throw invalid("spec.names.kind", "Required value")
        }
        guard name == "\(plural).\(group)" else {
            throw invalid("metadata.name", "Invalid value: \"\(name)\": must be spec.names.plural+\".\"+spec.group")
        }
        let scope = spec["scope"]?.stringValue ?? ""
        guard scope == "Namespaced" || scope == "Cluster" else {
            throw invalid("spec.scope", "Unsupported value: \"\(scope)\": supported values: \"Cluster\", \"Namespaced\"")
        }
        guard let versions = spec["versions"]?.arrayValue, !versions.isEmpty else {
            throw invalid("spec.versions", "Required value")
        }
        let singular = names["singular"]?.stringValue ?? kind.lowercased()
        let shortNames = names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
        let categories = names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? []
        var resources: [ResourceType] = []
        for (index, version) in versions.enumerated() {
            guard let versionName = version["name"]?.stringValue, !versionName.isEmpty else {
                throw invalid("spec.versions[\(index)].name", "Required value")
            }
            guard version["served"]?.boolValue ?? false else { continue }
            let columns = (version["additionalPrinterColumns"]?.arrayValue ?? []).compactMap { column -> PrinterColumn? in
                guard let name = column["name"]?.stringValue, let jsonPath = column["jsonPath"]?.stringValue else {
                    return nil
                }
                return PrinterColumn(
                    name: name, type: column["type"]?.stringValue ?? "string", jsonPath: jsonPath,
                    description: column["description"]?.stringValue ?? "", priority: Int(column["priority"]?.intValue ?? 0),
                    format: column["format"]?.stringValue ?? "")
            }
            resources.append(
                ResourceType(
                    group: group, version: versionName, plural: plural, singular: singular, kind: kind,
                    shortNames: shortNames, namespaced: scope == "Namespaced",
                    hasStatusSubresource: version["subresources"]?["status"] != nil, printerColumns: columns,
                    categories: categories, isCustom: true, schema: version["schema"]?["openAPIV3Schema"]))
        }
        return resources
    }

    /// The status a real API server gives a CRD it has accepted.
    static func acceptedStatus(for crd: JSONValue, now: String) -> JSONValue {
        let names = crd["spec"]?["names"] ?? .object(JSONObject())
        var acceptedNames = names
        if acceptedNames["singular"] == nil, let kind = names["kind"]?.stringValue {
            acceptedNames["singular"] = .string(kind.lowercased())
        }
        let storedVersions: [JSONValue] = (crd["spec"]?["versions"]?.arrayValue ?? []).compactMap { version in
            version["storage"]?.boolValue == true ? version["name"] : nil
        }
        func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            [
                "type": .string(type), "status": "True", "lastTransitionTime": .string(now), "reason": .string(reason),
                "message": .string(message),
            ]
        }
        return [
            "conditions": [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
            ],
            "acceptedNames": acceptedNames,
            "storedVersions": .array(storedVersions),
        ]
    }
}
