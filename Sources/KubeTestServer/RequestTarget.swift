/// The resource a request path names: `/api/v1/...` or `/apis/GROUP/VERSION/...`,
/// optionally `namespaces/NS/`, then the plural, the object name and a subresource.
struct RequestTarget: Sendable {
    let group: String
    let version: String
    let namespace: String?
    let plural: String
    let name: String?
    let subresource: String?

    /// nil when the path is not a resource path at all (discovery, admin, unknown).
    init?(path: String) {
        let segments = path.split(separator: "/").map(String.init)
        var rest: ArraySlice<String>
        if segments.count >= 3, segments[0] == "api" {
            group = ""
            version = segments[1]
            rest = segments[2...]
        } else if segments.count >= 4, segments[0] == "apis" {
            group = segments[1]
            version = segments[2]
            rest = segments[3...]
        } else {
            return nil
        }
        var namespace: String?
        // namespaces/NAME/status is the namespace's own subresource, not a resource called "status".
        if rest.first == "namespaces", rest.count >= 3, !(rest.count == 3 && ["status", "finalize"].contains(rest.last!)) {
            namespace = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        guard let plural = rest.first, rest.count <= 3 else { return nil }
        self.namespace = namespace
        self.plural = plural
        name = rest.count > 1 ? rest[rest.startIndex + 1] : nil
        subresource = rest.count > 2 ? rest[rest.startIndex + 2] : nil
    }
}
