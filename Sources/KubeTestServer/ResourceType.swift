import StructuredData

/// Where objects of one resource live, whatever version or group a client reads them through.
struct StorageKey: Hashable, Sendable {
    let group: String
    let plural: String
}

/// How the objects of a resource look to a client, when that differs from how they are stored.
enum ObjectView: Sendable {
    /// Stored as served; only `apiVersion` follows the version asked for.
    case native
    /// `events.k8s.io/v1` Events, stored as core `v1` Events as the real API server does.
    case eventsV1
}

/// An extra column `kubectl get` shows, from a CRD's `additionalPrinterColumns`.
struct PrinterColumn: Sendable, Equatable {
    let name: String
    let type: String
    let jsonPath: String
    let description: String
    let priority: Int
    let format: String
}

/// One servable resource: a group, version and plural, with everything discovery and tables need.
struct ResourceType: Sendable {
    let group: String
    let version: String
    let plural: String
    let singular: String
    let kind: String
    let shortNames: [String]
    let namespaced: Bool
    let hasStatusSubresource: Bool
    let printerColumns: [PrinterColumn]
    let categories: [String]
    let storage: StorageKey
    let view: ObjectView
    /// A custom resource, served because a CRD says so (some rules differ from built-ins).
    let isCustom: Bool
    /// The CRD version's `openAPIV3Schema`, enforced on writes and published as OpenAPI.
    let schema: JSONValue?

    init(
        group: String, version: String, plural: String, singular: String, kind: String, shortNames: [String] = [],
        namespaced: Bool, hasStatusSubresource: Bool = false, printerColumns: [PrinterColumn] = [],
        categories: [String] = [], storage: StorageKey? = nil, view: ObjectView = .native, isCustom: Bool = false,
        schema: JSONValue? = nil
    ) {
        self.group = group
        self.version = version
        self.plural = plural
        self.singular = singular
        self.kind = kind
        self.shortNames = shortNames
        self.namespaced = namespaced
        self.hasStatusSubresource = hasStatusSubresource
        self.printerColumns = printerColumns
        self.categories = categories
        self.storage = storage ?? StorageKey(group: group, plural: plural)
        self.view = view
        self.isCustom = isCustom
        self.schema = schema
    }

    var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }
    var groupVersion: String { apiVersion }
    var listKind: String { kind + "List" }

    static let verbs: [JSONValue] = ["create", "delete", "get", "list", "patch", "update", "watch"]
}
