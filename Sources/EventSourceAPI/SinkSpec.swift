import StructuredData

/// Where events go. Our extension: Argo publishes to its EventBus instead.
public struct SinkSpec: Sendable, Equatable, Hashable {
    public enum Mode: String, Sendable, Equatable, Hashable, CaseIterable {
        /// Attributes in `ce-*` headers, `data` as the body.
        case binary
        /// The whole event as `application/cloudevents+json`.
        case structured
    }

    /// Where a URI sends events; the one place a new kind of sink is recognised.
    public enum Kind: Sendable, Equatable, Hashable {
        case standardOutput
        case http
        /// An Argo EventBus: NATS JetStream at a `nats://` or `tls://` URL.
        case eventBus
    }

    /// `stdout`, an `http://` / `https://` URL, or a `nats://` / `tls://` JetStream URL.
    public var uri: String
    public var mode: Mode

    public init(uri: String, mode: Mode = .binary) {
        self.uri = uri
        self.mode = mode
    }

    public var isStdout: Bool { uri == "stdout" }

    /// The kind of sink `uri` names; nil for a URI `problem(withURI:)` rejects.
    public var kind: Kind? { Self.kind(ofURI: uri) }

    public static func kind(ofURI uri: String) -> Kind? {
        if uri == "stdout" { return .standardOutput }
        let lower = uri.lowercased()
        if lower.hasPrefix("http://") || lower.hasPrefix("https://") { return .http }
        if lower.hasPrefix("nats://") || lower.hasPrefix("tls://") { return .eventBus }
        return nil
    }

    static func read(_ value: JSONValue?, at path: String, into reader: inout FieldReader) -> SinkSpec? {
        guard let object = reader.object(value, at: path) else { return nil }
        var mode = Mode.binary
        if let text = reader.string(object["mode"], at: "\(path).mode") {
            if let parsed = Mode(rawValue: text) {
                mode = parsed
            } else {
                reader.report("\(path).mode", "must be binary or structured, got '\(text)'")
            }
        }
        guard let uri = reader.string(object["uri"], at: "\(path).uri") else {
            if object["uri"] == nil { reader.report("\(path).uri", "required") }
            return nil
        }
        if let problem = Self.problem(withURI: uri) { reader.report("\(path).uri", problem) }
        return SinkSpec(uri: uri, mode: mode)
    }

    /// Why a sink URI is unusable, or nil when it is fine: the one check of a sink URL, for the
    /// spec, the command line and the sinks themselves. `expecting` also requires that kind.
    public static func problem(withURI uri: String, expecting expected: Kind? = nil) -> String? {
        if uri == "stdout" {
            return expected == nil || expected == .standardOutput ? nil : "'\(uri)' is not \(expected.map(describe) ?? "")"
        }
        // Messages show the URI without any user:password@, which may be a real password.
        let shown = NATSServerList.redacted(uri)
        guard let kind = kind(ofURI: uri) else {
            return "must be stdout, an http:// or https:// URL, or a nats:// or tls:// EventBus URL, got '\(shown)'"
        }
        if let expected, kind != expected { return "'\(shown)' is not \(describe(expected))" }
        // NATS takes a comma-separated server list, each entry checked on its own.
        if kind == .eventBus { return NATSServerList.problem(in: uri) }
        let rest = uri.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard rest.count >= 3, !rest[2].isEmpty, !rest[2].contains(" ") else {
            return "'\(shown)' has no host"
        }
        if uri.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" }) {
            return "'\(shown)' contains white space"
        }
        if let problem = portProblem(authority: rest[2]) { return "'\(shown)' \(problem)" }
        return nil
    }

    private static func describe(_ kind: Kind) -> String {
        switch kind {
        case .standardOutput: return "stdout"
        case .http: return "an http:// or https:// URL"
        case .eventBus: return "a nats:// or tls:// EventBus URL"
        }
    }

    /// A port, when the authority names one, must be a number from 1 to 65535.
    private static func portProblem(authority: Substring) -> String? {
        let hostAndPort = authority.split(separator: "@").last ?? authority
        let afterHost: Substring
        if hostAndPort.hasPrefix("[") {
            guard let close = hostAndPort.firstIndex(of: "]") else { return "has an unterminated IPv6 address" }
            afterHost = hostAndPort[hostAndPort.index(after: close)...]
        } else if let colon = hostAndPort.firstIndex(of: ":") {
            afterHost = hostAndPort[colon...]
        } else {
            afterHost = ""
        }
        guard afterHost.hasPrefix(":") else { return afterHost.isEmpty ? nil : "has text after the host" }
        let port = afterHost.dropFirst()
        guard !port.isEmpty, let number = Int(port), (1...65535).contains(number) else {
            return "has an invalid port '\(port)'"
        }
        return nil
    }
}
