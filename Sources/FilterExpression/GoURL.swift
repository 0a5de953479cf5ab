/// Go's `net/url` URL, as far as sprig's `urlParse` and `urlJoin` use it: `url.Parse` (not the
/// request form) and `URL.String`. Ported rule by rule, bytes as Go sees them, so a filter gets
/// the same dict and the same text here as in Argo; Foundation's URL parses by other rules.
struct GoURL {
    var scheme = ""
    var opaque = ""
    /// nil when the URL has no `user@`; otherwise the username and, after a `:`, the password.
    var user: (name: String, password: String?)?
    var host = ""
    var path = ""
    var rawPath = ""
    var omitHost = false
    var forceQuery = false
    var rawQuery = ""
    var fragment = ""

    struct ParseError: Error { let message: String }

    private enum Mode { case path, host, zone, userPassword, fragment }

    // MARK: parsing (url.Parse)

    static func parse(_ raw: String) throws(ParseError) -> GoURL {
        let bytes = Array(raw.utf8)
        let hash = bytes.firstIndex(of: UInt8(ascii: "#"))
        var url = try parseWithoutFragment(hash.map { Array(bytes[..<$0]) } ?? bytes)
        if let hash, hash + 1 < bytes.count {
            url.fragment = try unescape(Array(bytes[(hash + 1)...]), .fragment)
        }
        return url
    }

    private static func parseWithoutFragment(_ raw: [UInt8]) throws(ParseError) -> GoURL {
        if raw.contains(where: { $0 < 0x20 || $0 == 0x7f }) { throw ParseError(message: "net/url: invalid control character in URL") }
        var url = GoURL()
        if raw == Array("*".utf8) {
            url.path = "*"
            return url
        }
        var rest: [UInt8]
        (url.scheme, rest) = try scheme(raw)
        url.scheme = GoStrings.lower(url.scheme)
        let question = UInt8(ascii: "?")
        if rest.last == question, rest.filter({ $0 == question }).count == 1 {
            url.forceQuery = true
            rest.removeLast()
        } else if let index = rest.firstIndex(of: question) {
            url.rawQuery = text(rest[(index + 1)...])
            rest = Array(rest[..<index])
        }
        let slash = UInt8(ascii: "/")
        if rest.first != slash {
            if !url.scheme.isEmpty {
                url.opaque = text(rest[...])  // a rootless path is opaque (RFC 3986)
                return url
            }
            let segment = rest.split(separator: slash, maxSplits: 1, omittingEmptySubsequences: false).first ?? []
            if segment.contains(UInt8(ascii: ":")) { throw ParseError(message: "first path segment in URL cannot contain colon") }
        }
        if (!url.scheme.isEmpty || !rest.starts(with: Array("///".utf8))) && rest.starts(with: Array("//".utf8)) {
            var authority = Array(rest.dropFirst(2))
            rest = []
            if let index = authority.firstIndex(of: slash) {
                rest = Array(authority[index...])
                authority = Array(authority[..<index])
            }
            (url.user, url.host) = try parseAuthority(authority)
        } else if !url.scheme.isEmpty, rest.first == slash {
            url.omitHost = true
        }
        url.path = try unescape(rest, .path)
        url.rawPath = escape(url.path, .path) == text(rest[...]) ? "" : text(rest[...])
        return url
    }

    private static func scheme(_ raw: [UInt8]) throws(ParseError) -> (String, [UInt8]) {
        for (index, byte) in raw.enumerated() {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                continue
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if index == 0 { return ("", raw) }
            case UInt8(ascii: ":"):
                if index == 0 { throw ParseError(message: "missing protocol scheme") }
                return (text(raw[..<index]), Array(raw[(index + 1)...]))
            default:
                return ("", raw)
            }
        }
        return ("", raw)
    }

    private static func parseAuthority(_ authority: [UInt8]) throws(ParseError) -> ((name: String, password: String?)?, String) {
        guard let at = authority.lastIndex(of: UInt8(ascii: "@")) else { return (nil, try parseHost(authority)) }
        let host = try parseHost(Array(authority[(at + 1)...]))
        let info = Array(authority[..<at])
        guard info.allSatisfy(isValidUserinfoByte) else { throw ParseError(message: "net/url: invalid userinfo") }
        guard let colon = info.firstIndex(of: UInt8(ascii: ":")) else { return ((try unescape(info, .userPassword), nil), host) }
        let name = try unescape(Array(info[..<colon]), .userPassword)
        let password = try unescape(Array(info[(colon + 1)...]), .userPassword)
        return ((name, password), host)
    }

    private static func isValidUserinfoByte(_ byte: UInt8) -> Bool {
        if isAlphanumeric(byte) { return true }
        return "-._:~!$&'()*+,;=%@".utf8.contains(byte)
    }

    private static func parseHost(_ host: [UInt8]) throws(ParseError) -> String {
        if host.first == UInt8(ascii: "[") {
            guard let close = host.lastIndex(of: UInt8(ascii: "]")) else { throw ParseError(message: "missing ']' in host") }
            let colonPort = Array(host[(close + 1)...])
            guard isValidOptionalPort(colonPort) else { throw ParseError(message: "invalid port \"\(text(colonPort[...]))\" after host") }
            if let zone = index(of: Array("%25".utf8), in: Array(host[..<close])) {
                return try unescape(Array(host[..<zone]), .host) + unescape(Array(host[zone..<close]), .zone)
                    + unescape(Array(host[close...]), .host)
            }
        } else if let colon = host.lastIndex(of: UInt8(ascii: ":")) {
            let colonPort = Array(host[colon...])
            guard isValidOptionalPort(colonPort) else { throw ParseError(message: "invalid port \"\(text(colonPort[...]))\" after host") }
        }
        return try unescape(host, .host)
    }

    private static func isValidOptionalPort(_ port: [UInt8]) -> Bool {
        if port.isEmpty { return true }
        guard port.first == UInt8(ascii: ":") else { return false }
        return port.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// `URL.Hostname`: the host without its port and without IPv6 brackets.
    var hostname: String {
        var bytes = Array(host.utf8)
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")), Self.isValidOptionalPort(Array(bytes[colon...])) {
            bytes = Array(bytes[..<colon])
        }
        if bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") { bytes = Array(bytes.dropFirst().dropLast()) }
        return Self.text(bytes[...])
    }

    /// `Userinfo.String`: escaped, the password after a `:` when one was given.
    var userText: String {
        guard let user else { return "" }
        let name = Self.escape(user.name, .userPassword)
        return user.password.map { name + ":" + Self.escape($0, .userPassword) } ?? name
    }

    // MARK: writing (URL.String)

    var string: String {
        var out = ""
        if !scheme.isEmpty { out += scheme + ":" }
        if !opaque.isEmpty {
            out += opaque
        } else {
            if !scheme.isEmpty || !host.isEmpty || user != nil {
                if !(omitHost && host.isEmpty && user == nil) {
                    if !host.isEmpty || !path.isEmpty || user != nil { out += "//" }
                    if user != nil { out += userText + "@" }
                    if !host.isEmpty { out += Self.escape(host, .host) }
                }
            }
            let escapedPath = escapedPath
            if let first = escapedPath.utf8.first, first != UInt8(ascii: "/"), !host.isEmpty { out += "/" }
            if out.isEmpty, let segment = escapedPath.split(separator: "/", omittingEmptySubsequences: false).first,
                segment.contains(":")
            {
                out += "./"  // a first segment with a colon would read as a scheme (RFC 3986 §4.2)
            }
            out += escapedPath
        }
        if forceQuery || !rawQuery.isEmpty { out += "?" + rawQuery }
        if !fragment.isEmpty { out += "#" + Self.escape(fragment, .fragment) }
        return out
    }

    private var escapedPath: String {
        if !rawPath.isEmpty, let decoded = try? Self.unescape(Array(rawPath.utf8), .path), decoded == path,
            Self.isValidEncodedPath(rawPath)
        {
            return rawPath
        }
        if path == "*" { return "*" }
        return Self.escape(path, .path)
    }

    private static func isValidEncodedPath(_ raw: String) -> Bool {
        raw.utf8.allSatisfy { byte in
            "!$&'()*+,;=:@[]%".utf8.contains(byte) || !shouldEscape(byte, .path)
        }
    }

    // MARK: escaping

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func shouldEscape(_ byte: UInt8, _ mode: Mode) -> Bool {
        if isAlphanumeric(byte) { return false }
        if mode == .host || mode == .zone, "!$&'()*+,;=:[]<>\"".utf8.contains(byte) { return false }
        if "-_.~".utf8.contains(byte) { return false }
        if "$&+,/:;=?@".utf8.contains(byte) {
            switch mode {
            case .path: return byte == UInt8(ascii: "?")
            case .userPassword: return "@/?:".utf8.contains(byte)
            case .fragment: return false
            case .host, .zone: return true
            }
        }
        if mode == .fragment, "!()*".utf8.contains(byte) { return false }
        return true
    }

    private static func escape(_ value: String, _ mode: Mode) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in value.utf8 {
            if shouldEscape(byte, mode) {
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            } else {
                out.append(byte)
            }
        }
        return text(out[...])
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func unescape(_ bytes: [UInt8], _ mode: Mode) throws(ParseError) -> String {
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < bytes.count, let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2]) else {
                    throw ParseError(message: "invalid URL escape \"\(text(bytes[index..<min(index + 3, bytes.count)]))\"")
                }
                let escaped = text(bytes[index..<(index + 3)])
                // Only non-ASCII may be %-encoded in a host (RFC 6874 allows %25 before a zone).
                if mode == .host, high < 8, escaped != "%25" { throw ParseError(message: "invalid URL escape \"\(escaped)\"") }
                if mode == .zone {
                    let value = high << 4 | low
                    if escaped != "%25", value != UInt8(ascii: " "), shouldEscape(value, .host) {
                        throw ParseError(message: "invalid URL escape \"\(escaped)\"")
                    }
                }
                out.append(high << 4 | low)
                index += 3
            } else {
                if mode == .host || mode == .zone, byte < 0x80, shouldEscape(byte, mode) {
                    throw ParseError(message: "invalid character \"\(text(bytes[index...index]))\" in host name")
                }
                out.append(byte)
                index += 1
            }
        }
        return text(out[...])
    }

    private static func index(of part: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= part.count else { return nil }
        return (0...(bytes.count - part.count)).first { Array(bytes[$0..<($0 + part.count)]) == part }
    }

    /// Bytes to text as Go's string holds them: invalid UTF-8 becomes U+FFFD here.
    private static func text(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
}
