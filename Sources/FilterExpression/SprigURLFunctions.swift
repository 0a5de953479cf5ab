/// Sprig's `urlParse` and `urlJoin`, on Go's `net/url` rules (GoURL).
enum SprigURLFunctions {
    static let all: [FilterFunction] = [
        FilterFunction("urlParse", 1) { c throws(FilterEvaluationError) in
            let raw = try c.string(0)
            let url: GoURL
            do throws(GoURL.ParseError) { url = try GoURL.parse(raw) } catch { throw c.fail("unable to parse url: parse \(SprigStringFunctions.goQuote(raw)): \(error.message)") }
            return .map([
                "scheme": .string(url.scheme), "host": .string(url.host), "hostname": .string(url.hostname),
                "path": .string(url.path), "query": .string(url.rawQuery), "opaque": .string(url.opaque),
                "fragment": .string(url.fragment), "userinfo": .string(url.userText),
            ])
        },
        FilterFunction("urlJoin", 1) { c throws(FilterEvaluationError) in
            let dict = try c.map(0)
            var url = GoURL()
            url.scheme = try field(dict, "scheme", c)
            url.host = try field(dict, "host", c)
            url.path = try field(dict, "path", c)
            url.rawQuery = try field(dict, "query", c)
            url.opaque = try field(dict, "opaque", c)
            url.fragment = try field(dict, "fragment", c)
            let userinfo = try field(dict, "userinfo", c)
            if !userinfo.isEmpty {
                let wrapped = "proto://\(userinfo)@host"
                do throws(GoURL.ParseError) { url.user = try GoURL.parse(wrapped).user } catch {
                    throw c.fail("unable to parse userinfo in dict: parse \(SprigStringFunctions.goQuote(wrapped)): \(error.message)")
                }
            }
            return .string(url.string)
        },
    ]

    /// Sprig's dictGetOrEmpty: "" when absent, an error when present but not a string.
    private static func field(_ dict: [String: FilterValue], _ key: String, _ c: FilterCall) throws(FilterEvaluationError) -> String {
        guard let value = dict[key] else { return "" }
        guard case .string(let text) = value else {
            throw c.fail("unable to parse \(key) key, must be of type string, but \(SprigFunctions.goKindName(value)) found")
        }
        return text
    }
}
