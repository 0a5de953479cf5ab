/// Every resource the server serves right now: the built-ins, and whatever applied CRDs add.
struct ResourceCatalog: Sendable {
    private var builtIns: [ResourceType] = BuiltInResources.all
    /// Keyed by CRD name, so deleting or changing a CRD removes exactly what it added.
    private var custom: [String: [ResourceType]] = [:]
    private var customOrder: [String] = []

    var all: [ResourceType] { builtIns + customOrder.flatMap { custom[$0] ?? [] } }

    func lookup(group: String, version: String, plural: String) -> ResourceType? {
        all.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    func resources(group: String, version: String) -> [ResourceType] {
        all.filter { $0.group == group && $0.version == version }
    }

    /// Groups in discovery order, each with its versions in the order they were defined.
    var groups: [(name: String, versions: [String])] {
        var result: [(name: String, versions: [String])] = []
        for resource in all where !resource.group.isEmpty {
            if let index = result.firstIndex(where: { $0.name == resource.group }) {
                if !result[index].versions.contains(resource.version) { result[index].versions.append(resource.version) }
            } else {
                result.append((resource.group, [resource.version]))
            }
        }
        return result
    }

    mutating func define(crdName: String, resources: [ResourceType]) {
        if custom[crdName] == nil { customOrder.append(crdName) }
        custom[crdName] = resources
    }

    mutating func remove(crdName: String) {
        custom[crdName] = nil
        customOrder.removeAll { $0 == crdName }
    }

    /// Another CRD already serving this group and plural: the real server refuses such names.
    func conflictingDefinition(group: String, plural: String, except crdName: String) -> Bool {
        custom.contains { name, resources in
            name != crdName && resources.contains { $0.group == group && $0.plural == plural }
        }
    }
}
