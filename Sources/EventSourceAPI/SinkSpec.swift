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

    /// Why a sink URI is unusable, or nil when it is fine.
    public static func problem(withURI uri: String) -> String? {
        if uri == "stdout" { return nil }
        guard kind(ofURI: uri) != nil else {
            return "must be stdout, an http:// or https:// URL, or a nats:// or tls:// EventBus URL, got '\(uri)'"
        }
        let rest = uri.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        guard rest.count >= 3, !rest[2].isEmpty, !rest[2].contains(" ") else {
            return "'\(uri)' has no host"
        }
        if uri.contains(where: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            return "'\(uri)' contains white space"
        }
        return nil
    }
}
