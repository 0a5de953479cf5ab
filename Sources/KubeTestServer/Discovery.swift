import StructuredData

/// The discovery documents kubectl reads before anything else: `/version`, `/api`, `/apis` and
/// one resource list per group version, built from the catalog as it is at the moment of asking.
enum Discovery {
    static func version() -> JSONValue {
        [
            "major": "1", "minor": "32", "gitVersion": "v1.32.0-kube-testserver", "gitCommit": "0000000000",
            "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z", "goVersion": "go1.23",
            "compiler": "gc", "platform": "linux/amd64",
        ]
    }

    static func coreVersions(serverAddress: String) -> JSONValue {
        [
            "kind": "APIVersions", "versions": ["v1"],
            "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]],
        ]
    }

    static func groupList(_ catalog: ResourceCatalog) -> JSONValue {
        ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(catalog.groups.map(group))]
    }

    static func group(name: String, catalog: ResourceCatalog) -> JSONValue? {
        guard let entry = catalog.groups.first(where: { $0.name == name }) else { return nil }
        var document = group(entry)
        document["kind"] = "APIGroup"
        document["apiVersion"] = "v1"
        return document
    }

    private static func group(_ entry: (name: String, versions: [String])) -> JSONValue {
        let versions: [JSONValue] = entry.versions.map {
            ["groupVersion": .string("\(entry.name)/\($0)"), "version": .string($0)]
        }
        return ["name": .string(entry.name), "versions": .array(versions), "preferredVersion": versions[0]]
    }

    static func resourceList(group: String, version: String, catalog: ResourceCatalog) -> JSONValue? {
        let resources = catalog.resources(group: group, version: version)
        guard !resources.isEmpty else { return nil }
        var entries: [JSONValue] = []
        for resource in resources {
            var entry: JSONObject = objectLiteral([
                "name": .string(resource.plural), "singularName": .string(resource.singular),
                "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                "verbs": .array(ResourceType.verbs + ["deletecollection"]),
            ])
            if !resource.shortNames.isEmpty { entry["shortNames"] = .array(resource.shortNames.map(JSONValue.string)) }
            if !resource.categories.isEmpty { entry["categories"] = .array(resource.categories.map(JSONValue.string)) }
            entries.append(.object(entry))
            if resource.hasStatusSubresource {
                entries.append([
                    "name": .string("\(resource.plural)/status"), "singularName": "",
                    "namespaced": .bool(resource.namespaced), "kind": .string(resource.kind),
                    "verbs": ["get", "patch", "update"],
                ])
            }
        }
        return [
            "kind": "APIResourceList", "apiVersion": "v1", "groupVersion": .string(resources[0].groupVersion),
            "resources": .array(entries),
        ]
    }
}
