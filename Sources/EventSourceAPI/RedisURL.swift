/// A Redis connection URL read as go-redis' `ParseURL` (and redis-cli) read it:
/// `redis://[user[:password]@]host[:port][/db]`, `rediss://…` for TLS, `unix://[user[:password]@]/path?db=N`.
/// Host and port default to localhost:6379. Query options go-redis knows but that change nothing
/// here (pool sizes, timeouts) are kept in `ignoredOptions`; any other option is an error, as in go-redis.
public struct RedisURL: Sendable, Hashable, CustomStringConvertible {
    public var address: RedisServerAddress
    public var username: String?
    /// Only a URL read from a Secret may carry one; never printed.
    public var password: String?
    /// The database the URL names, if any.
    public var db: Int?
    public var usesTLS: Bool
    /// `skip_verify=true`: TLS without verifying the server.
    public var skipVerify: Bool
    public var ignoredOptions: [String]

    /// The URL without its password, for status and logs.
    public var description: String {
        switch address {
        case .unix(let path):
            return "unix://\(username.map { "\($0)@" } ?? "")\(path)\(db.map { "?db=\($0)" } ?? "")"
        case .tcp(let host):
            return "\(usesTLS ? "rediss" : "redis")://\(username.map { "\($0)@" } ?? "")\(host)\(db.map { "/\($0)" } ?? "")"
        }
    }

    /// go-redis options (v9) that tune its connection pool and timeouts; they have no counterpart here.
    static let ignorableOptions: Set<String> = [
        "protocol", "client_name", "max_retries", "min_retry_backoff", "max_retry_backoff", "dial_timeout",
        "read_timeout", "write_timeout", "pool_fifo", "pool_size", "pool_timeout", "min_idle_conns", "max_idle_conns",
        "max_active_conns", "conn_max_idle_time", "conn_max_lifetime", "idle_timeout", "max_conn_age",
        "idle_check_frequency",
    ]

    public static func parse(_ text: String) -> Result<RedisURL, RedisURLError> {
        guard let schemeEnd = text.range(of: "://") else {
            return .failure(.init("must be a URL such as redis://host:6379/0, rediss://host:6380 or unix:///path/redis.sock"))
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard ["redis", "rediss", "unix"].contains(scheme) else {
            return .failure(.init("the scheme must be redis://, rediss:// or unix://, got '\(scheme)://'"))
        }
        var rest = text[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        let path = rest[slash...]

        var url = RedisURL(
            address: .unix(path: ""), username: nil, password: nil, db: nil, usesTLS: scheme == "rediss", skipVerify: false,
            ignoredOptions: [])
        var hostPort = authority
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            let user: Substring
            if let colon = userInfo.firstIndex(of: ":") {
                user = userInfo[..<colon]
                guard let password = percentDecoded(userInfo[userInfo.index(after: colon)...]) else {
                    return .failure(.init("the password is not valid percent-encoding"))
                }
                url.password = password
            } else {
                user = userInfo
            }
            guard let name = percentDecoded(user) else { return .failure(.init("the user name is not valid percent-encoding")) }
            url.username = name.isEmpty ? nil : name
        }

        if scheme == "unix" {
            guard let decoded = percentDecoded(path), !decoded.allSatisfy(\.isWhitespace) else {
                return .failure(.init("a unix:// URL needs the socket's path, as unix:///var/run/redis.sock"))
            }
            if !hostPort.isEmpty {
                return .failure(.init("a unix:// URL names no host: write unix:///path (three slashes), got host '\(hostPort)'"))
            }
            url.address = .unix(path: decoded)
        } else {
            switch hostAndPort(hostPort) {
            case .success(let address): url.address = .tcp(address)
            case .failure(let error): return .failure(error)
            }
            let parts = path.split(separator: "/")
            if parts.count > 1 { return .failure(.init("the path must be the database number alone, as /2, got '\(path)'")) }
            if let first = parts.first {
                guard let db = Int(first), (0...Int(Int32.max)).contains(db) else {
                    return .failure(.init("the database must be a number from 0 to \(Int32.max), got '\(first)'"))
                }
                url.db = db
            }
        }

        var unknown: [String] = []
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let equals = pair.firstIndex(of: "=") ?? pair.endIndex
            let name = percentDecoded(pair[..<equals]) ?? String(pair[..<equals])
            let value = equals < pair.endIndex ? (percentDecoded(pair[pair.index(after: equals)...]) ?? "") : ""
            switch name {
            case "db":
                guard let db = Int(value), (0...Int(Int32.max)).contains(db) else {
                    return .failure(.init("the db option must be a number from 0 to \(Int32.max), got '\(value)'"))
                }
                url.db = db
            case "skip_verify":
                guard let flag = goBool(value) else { return .failure(.init("skip_verify must be true or false, got '\(value)'")) }
                url.skipVerify = flag
            default:
                if ignorableOptions.contains(name) {
                    if !url.ignoredOptions.contains(name) { url.ignoredOptions.append(name) }
                } else if !unknown.contains(name) {
                    unknown.append(name)
                }
            }
        }
        if !unknown.isEmpty {
            let shown = unknown.map { $0.count > 40 ? $0.prefix(40) + "…" : $0 }
            return .failure(
                .init(
                    "unknown option\(unknown.count > 1 ? "s" : "") \(shown.joined(separator: ", ")) (go-redis rejects it too); "
                        + "the options that apply here are db and skip_verify"))
        }
        return .success(url)
    }

    private static func hostAndPort(_ text: Substring) -> Result<HostAddress, RedisURLError> {
        var host = text
        var port = "6379"
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return .failure(.init("missing ']' after the IPv6 host")) }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.hasPrefix(":") { port = String(after.dropFirst()) } else if !after.isEmpty {
                return .failure(.init("unexpected '\(after)' after the IPv6 host"))
            }
        } else if let colon = text.lastIndex(of: ":") {
            host = text[..<colon]
            port = String(text[text.index(after: colon)...])
        }
        guard let decodedHost = percentDecoded(host) else { return .failure(.init("the host is not valid percent-encoding")) }
        let finalHost = decodedHost.isEmpty ? "localhost" : decodedHost
        if port.isEmpty { port = "6379" }
        guard let number = Int(port), (1...65535).contains(number) else {
            // Not echoed: in a URL missing its '@' the "port" may be a password.
            return .failure(.init("the port must be a number from 1 to 65535"))
        }
        return .success(HostAddress(host: finalHost, port: number))
    }

    /// Go's `strconv.ParseBool`, which go-redis uses for its flags.
    private static func goBool(_ text: String) -> Bool? {
        switch text {
        case "1", "t", "T", "true", "TRUE", "True": return true
        case "0", "f", "F", "false", "FALSE", "False": return false
        default: return nil
        }
    }

    private static func percentDecoded(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8).makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

public struct RedisURLError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    init(_ message: String) { self.message = message }
    public var description: String { message }
}
