import EventSourceAPI

/// An HTTP(S) receiver of CloudEvents: its URL and how events are encoded.
public struct HTTPDestination: Sendable, Hashable {
    public var url: String
    public var mode: SinkSpec.Mode

    public init(url: String, mode: SinkSpec.Mode = .binary) {
        self.url = url
        self.mode = mode
    }

    /// Why the URL cannot be posted to, or nil when it can.
    public var problem: String? { SinkSpec.problem(withURI: url, expecting: .http) }

    /// The URL without any `user:password@`, which may hold a real password.
    public var description: String { NATSConnectionKey(url: url).redactedURL }
}
