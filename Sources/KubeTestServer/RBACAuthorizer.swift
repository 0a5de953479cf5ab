import StructuredData

/// What a request asks to do, in RBAC's terms.
struct RBACAttributes: Sendable {
    let verb: String
    let group: String
    let resource: String
    let subresource: String?
    let namespace: String?
    let name: String?

    init(request: APIRequest, target: RequestTarget) {
        switch (request.method, target.name) {
        case ("GET", nil): verb = request.isWatch ? "watch" : "list"
        case ("GET", _): verb = "get"
        case ("POST", _): verb = "create"
        case ("PUT", _): verb = "update"
        case ("PATCH", _): verb = "patch"
        case ("DELETE", nil): verb = "deletecollection"
        case ("DELETE", _): verb = "delete"
        default: verb = request.method.lowercased()
        }
        group = target.group
        resource = target.plural
        subresource = target.subresource
        namespace = target.namespace
        name = target.name
    }
}

/// Evaluates the stored Roles, ClusterRoles and their bindings for one user, as the real server's
/// RBAC authorizer does (aggregated ClusterRoles included), for `--enforce-rbac`.
enum RBACAuthorizer {
    private static let rbac = "rbac.authorization.k8s.io"

    static func allows(_ state: StoreState, user: ClientIdentity, _ attributes: RBACAttributes) -> Bool {
        let clusterRoles = state.objects(StorageKey(group: rbac, plural: "clusterroles"), namespace: nil).map(\.object)
        for binding in state.objects(StorageKey(group: rbac, plural: "clusterrolebindings"), namespace: nil).map(\.object)
        where binds(binding, user) {
            if rules(of: binding, clusterRoles: clusterRoles, state, namespace: nil).contains(where: { allows($0, attributes) }) {
                return true
            }
        }
        guard let namespace = attributes.namespace else { return false }
        for binding in state.objects(StorageKey(group: rbac, plural: "rolebindings"), namespace: namespace).map(\.object)
        where binds(binding, user) {
            if rules(of: binding, clusterRoles: clusterRoles, state, namespace: namespace).contains(where: { allows($0, attributes) }) {
                return true
            }
        }
        return false
    }

    private static func binds(_ binding: JSONValue, _ user: ClientIdentity) -> Bool {
        (binding["subjects"]?.arrayValue ?? []).contains { subject in
            let name = subject["name"]?.stringValue ?? ""
            switch subject["kind"]?.stringValue {
            case "ServiceAccount":
                return user.user == "system:serviceaccount:\(subject["namespace"]?.stringValue ?? ""):\(name)"
            case "User": return user.user == name
            case "Group": return user.groups.contains(name)
            default: return false
            }
        }
    }

    private static func rules(of binding: JSONValue, clusterRoles: [JSONValue], _ state: StoreState, namespace: String?) -> [JSONValue] {
        let name = binding["roleRef"]?["name"]?.stringValue ?? ""
        switch binding["roleRef"]?["kind"]?.stringValue {
        case "ClusterRole":
            guard let role = clusterRoles.first(where: { $0["metadata"]?["name"]?.stringValue == name }) else { return [] }
            return ruleList(role, clusterRoles)
        case "Role":
            guard let namespace,
                let role = state.object(StorageKey(group: rbac, plural: "roles"), ObjectKey(namespace: namespace, name: name))
            else { return [] }
            return role["rules"]?.arrayValue ?? []
        default: return []
        }
    }

    /// A ClusterRole's own rules, plus those of the ClusterRoles its aggregationRule selects.
    private static func ruleList(_ role: JSONValue, _ clusterRoles: [JSONValue]) -> [JSONValue] {
        var rules = role["rules"]?.arrayValue ?? []
        for selector in role["aggregationRule"]?["clusterRoleSelectors"]?.arrayValue ?? [] {
            let wanted = selector["matchLabels"]?.objectValue ?? JSONObject()
            for other in clusterRoles where other != role {
                let labels = other["metadata"]?["labels"]?.objectValue ?? JSONObject()
                if wanted.allSatisfy({ labels[$0.key] == $0.value }) { rules += other["rules"]?.arrayValue ?? [] }
            }
        }
        return rules
    }

    private static func allows(_ rule: JSONValue, _ attributes: RBACAttributes) -> Bool {
        func list(_ key: String) -> [String] { rule[key]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        let resource = attributes.subresource.map { "\(attributes.resource)/\($0)" } ?? attributes.resource
        let names = list("resourceNames")
        return (list("verbs").contains("*") || list("verbs").contains(attributes.verb))
            && (list("apiGroups").contains("*") || list("apiGroups").contains(attributes.group))
            && (list("resources").contains("*") || list("resources").contains(resource))
            && (names.isEmpty || attributes.name.map(names.contains) == true)
    }

    /// The real server's wording for a refusal.
    static func forbidden(_ user: ClientIdentity, _ attributes: RBACAttributes) -> APIError {
        let qualified = attributes.group.isEmpty ? attributes.resource : "\(attributes.resource).\(attributes.group)"
        let subject = attributes.name.map { "\(qualified) \"\($0)\"" } ?? qualified
        let resource = attributes.subresource.map { "\(attributes.resource)/\($0)" } ?? attributes.resource
        let scope = attributes.namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        var details = JSONObject()
        if let name = attributes.name { details["name"] = .string(name) }
        details["group"] = .string(attributes.group)
        details["kind"] = .string(attributes.resource)
        return APIError(
            code: 403, reason: "Forbidden",
            message: "\(subject) is forbidden: User \"\(user.user)\" cannot \(attributes.verb) resource \"\(resource)\" "
                + "in API group \"\(attributes.group)\" \(scope)",
            details: details)
    }
}
