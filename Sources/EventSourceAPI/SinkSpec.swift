import StructuredData

/// Where events go. Our extension: Argo publishes to its EventBus instead.
public struct SinkSpec: Sendable, Equatable, Hashable {
    public enum Mode: String, Sendable, Equatable, Hashable, CaseIterable {
        /// Attributes in `ce-*` headers, `data` as the body.
        case binary
        /// The whole event as `application/cloudevents+json`.
        case structured
    }

    /// `stdout`, or an `http://` / `https://` URL.
    public var uri: String
    public var mode: Mode

    public init(uri: String, mode: Mode = .binary) {
        self.uri = uri
        self.mode = mode
    }

    public var isStdout: Bool { uri == "stdout" }

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
        let lower = uri.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            return "must be stdout or an http:// or https:// URL, got '\(uri)'"
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
