import Testing
import TestSupport

/// One HTTP response as the real `curl` program received it, so the server is tested against a
/// client that is not ours.
struct CurlResponse {
    var status: Int
    var contentType: String
    var body: String
    /// New connections curl opened for this transfer; 0 when it reused one.
    var connectsOpened: Int

    var lines: [String] { body.split(separator: "\n").map(String.init) }
}

enum CurlRequest {
    struct Failed: Error, CustomStringConvertible {
        let exitStatus: Int32
        let standardError: String
        var description: String { "curl exited with \(exitStatus): \(standardError)" }
    }

    private static let marker = "\n--curl-transfer--"

    static func send(_ method: String = "GET", port: Int, path: String, extraArguments: [String] = []) async throws
        -> CurlResponse
    {
        let responses = try await sendAll(method, port: port, paths: [path], extraArguments: extraArguments)
        return try #require(responses.first)
    }

    /// Requests every path in one curl run, which reuses one kept-alive connection for them.
    static func sendAll(_ method: String = "GET", port: Int, paths: [String], extraArguments: [String] = [])
        async throws -> [CurlResponse]
    {
        let arguments =
            [
                "--silent", "--show-error", "--noproxy", "*", "--max-time", "\(TestTimeouts.wholeSeconds(TestTimeouts.request))", "--request", method,
                "--write-out", "\(marker)%{http_code} %{num_connects} %{content_type}\n",
            ] + extraArguments + paths.map { "http://127.0.0.1:\(port)\($0)" }
        let curl = try ChildProcess("curl", arguments)
        defer { curl.stop() }
        let status = try await curl.waitForExit()
        guard status == 0 else { throw Failed(exitStatus: status, standardError: curl.standardError) }
        return try parse(curl.standardOutput)
    }

    private static func parse(_ output: String) throws -> [CurlResponse] {
        var responses: [CurlResponse] = []
        var rest = Substring(output)
        while let split = rest.range(of: marker) {
            let body = String(rest[..<split.lowerBound])
            let trailerEnd = rest[split.upperBound...].firstIndex(of: "\n") ?? rest.endIndex
            let fields = rest[split.upperBound..<trailerEnd].split(separator: " ", maxSplits: 2)
            responses.append(
                CurlResponse(
                    status: Int(fields.first ?? "") ?? -1, contentType: fields.count > 2 ? String(fields[2]) : "",
                    body: body, connectsOpened: fields.count > 1 ? Int(fields[1]) ?? -1 : -1))
            rest = trailerEnd < rest.endIndex ? rest[rest.index(after: trailerEnd)...] : ""
        }
        guard !responses.isEmpty else { throw Failed(exitStatus: 0, standardError: "no transfer in output: \(output)") }
        return responses
    }

    /// The exit status of a request expected to fail to connect (curl says 7).
    static func exitStatusConnecting(port: Int, path: String = "/healthz") async throws -> Int32 {
        let curl = try ChildProcess(
            "curl", ["--silent", "--noproxy", "*", "--max-time", "\(TestTimeouts.wholeSeconds(TestTimeouts.request))", "http://127.0.0.1:\(port)\(path)"])
        defer { curl.stop() }
        return try await curl.waitForExit()
    }
}
