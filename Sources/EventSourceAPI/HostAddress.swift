/// A parsed `host:port`; IPv6 hosts are written `[::1]:6379`.
public struct HostAddress: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// Parses `host:port`, or says what is wrong with it.
    public static func parse(_ text: String) -> Result<HostAddress, HostAddressError> {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.init("missing ']' after the IPv6 host")) }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            guard after.hasPrefix(":") else { return .failure(.init("must be host:port")) }
            portText = after.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":") else { return .failure(.init("must be host:port, got '\(text)'")) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            if host.contains(":") { return .failure(.init("an IPv6 host must be written [host]:port")) }
        }
        guard !host.isEmpty else { return .failure(.init("the host is empty in '\(text)'")) }
        guard let port = Int(portText), (1...65535).contains(port) else {
            return .failure(.init("the port must be a number from 1 to 65535, got '\(portText)'"))
        }
        return .success(HostAddress(host: String(host), port: port))
    }
}

public struct HostAddressError: Error, Sendable, Equatable {
    public let message: String
    init(_ message: String) { self.message = message }
}
