/// A NATS URL as Argo's clients (nats.go) read it: one server, or several separated by commas
/// (`nats://a:4222,nats://b:4222`), each `nats://` or `tls://` with an optional `user:password@`.
/// libnats takes one URL per server, so the list is split here, once, for the connection and for
/// every message that shows the URL.
public enum NATSServerList {
    /// The servers in order, each trimmed of the spaces nats.go trims.
    public static func servers(in url: String) -> [String] {
        url.split(separator: ",", omittingEmptySubsequences: false).map { trimmed($0) }
    }

    /// Why the list cannot be used, naming the entry by position but never showing a credential;
    /// nil when every entry is a `nats://` or `tls://` URL with a host.
    public static func problem(in url: String) -> String? {
        let servers = servers(in: url)
        for (index, server) in servers.enumerated() {
            let which = servers.count == 1 ? "the URL" : "server \(index + 1) of \(servers.count) in the list"
            if server.isEmpty { return "\(which) is empty (a stray comma?)" }
            let lower = server.lowercased()
            guard lower.hasPrefix("nats://") || lower.hasPrefix("tls://") else {
                return "\(which) must be a nats:// or tls:// URL, got '\(redacted(server))'"
            }
            if server.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) {
                return "\(which) contains white space: '\(redacted(server))'"
            }
            let authority = authority(of: server)
            let host = authority.split(separator: "@", omittingEmptySubsequences: false).last ?? ""
            if host.isEmpty || host.hasPrefix(":") { return "\(which) has no host: '\(redacted(server))'" }
            if let colon = host.lastIndex(of: ":"), !host.hasSuffix("]") {
                let port = host[host.index(after: colon)...]
                guard let number = Int(port), (1...65535).contains(number) else {
                    return "\(which) has an invalid port: '\(redacted(server))'"
                }
            }
        }
        return nil
    }

    /// The URL with every server's `user:password@` removed (not only the first one's).
    public static func redacted(_ url: String) -> String {
        url.split(separator: ",", omittingEmptySubsequences: false).map { entry -> String in
            let text = String(entry)
            let start = text.range(of: "://")?.upperBound ?? text.startIndex
            let end = text[start...].firstIndex(of: "/") ?? text.endIndex
            guard let at = text[start..<end].lastIndex(of: "@") else { return text }
            return String(text[..<start]) + String(text[text.index(after: at)...])
        }.joined(separator: ",")
    }

    private static func authority(of server: String) -> Substring {
        let start = server.range(of: "://")?.upperBound ?? server.startIndex
        let end = server[start...].firstIndex(of: "/") ?? server.endIndex
        return server[start..<end]
    }

    private static func trimmed(_ text: Substring) -> String {
        var text = text
        while let first = text.first, first == " " { text = text.dropFirst() }
        while let last = text.last, last == " " { text = text.dropLast() }
        return String(text)
    }
}
