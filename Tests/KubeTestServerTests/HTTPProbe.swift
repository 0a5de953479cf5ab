import Foundation
import KubeTestServer
import StructuredData
import TestSupport

/// Raw HTTP requests to a test server with the curl command, for what no well-behaved client
/// sends: malformed bodies, wrong content types, odd parameters.
struct HTTPProbe {
    struct Response {
        let status: Int
        let body: String
        var json: JSONValue? { try? JSONParser.parse(body) }
        /// The Status object's code, reason and message, for checking error answers.
        var statusCode: Int64? { json?["code"]?.intValue }
        var reason: String? { json?["reason"]?.stringValue }
        var message: String { json?["message"]?.stringValue ?? body }
    }

    let baseURL: String
    let directory: URL
    var headers: [String] = []

    init(_ server: KubeTestServer) throws {
        baseURL = server.url
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func send(_ method: String, _ path: String, body: String? = nil, bodyBytes: [UInt8]? = nil, contentType: String? = nil)
        async throws -> Response
    {
        var arguments = [
            "-sS", "-k", "--max-time", "\(TestTimeouts.wholeSeconds(TestTimeouts.request))", "-X", method, "-o", "-", "-w",
            "\n%{http_code}", "-H", "Expect:",
        ]
        for header in headers { arguments += ["-H", header] }
        if let contentType { arguments += ["-H", "Content-Type: \(contentType)"] }
        if body != nil || bodyBytes != nil {
            let file = directory.appendingPathComponent(UUID().uuidString)
            try Data(bodyBytes ?? Array((body ?? "").utf8)).write(to: file)
            arguments += ["--data-binary", "@\(file.path)"]
        }
        arguments.append(baseURL + path)
        let output = try await CommandRun.run("/usr/bin/curl", arguments).standardOutput
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return Response(status: Int(lines.last ?? "") ?? 0, body: lines.dropLast().joined(separator: "\n"))
    }
}

/// Runs `body` with a fresh in-process server; stops it afterwards.
func withServer(
    _ configuration: KubeTestServerConfiguration = KubeTestServerConfiguration(), _ body: (KubeTestServer, HTTPProbe) async throws -> Void
) async throws {
    let server = try await KubeTestServer.start(configuration)
    do {
        let probe = try HTTPProbe(server)
        defer { try? FileManager.default.removeItem(at: probe.directory) }
        try await body(server, probe)
        try await server.stop()
    } catch {
        try? await server.stop()
        throw error
    }
}

let widgetDefinitionYAML = """
    apiVersion: apiextensions.k8s.io/v1
    kind: CustomResourceDefinition
    metadata:
      name: widgets.example.com
    spec:
      group: example.com
      scope: Namespaced
      names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd], categories: [all]}
      versions:
      - name: v1
        served: true
        storage: true
        schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        subresources: {status: {}}
        additionalPrinterColumns:
        - {name: Size, type: integer, jsonPath: .spec.size}
        - {name: Phase, type: string, jsonPath: .status.phase}
        - {name: Age, type: date, jsonPath: .metadata.creationTimestamp}
    """

func widgetYAML(_ name: String, size: Int, finalizers: [String] = []) -> String {
    var text = """
        apiVersion: example.com/v1
        kind: Widget
        metadata:
          name: \(name)
          labels: {app: demo}

        """
    if !finalizers.isEmpty { text += "  finalizers: [\(finalizers.joined(separator: ", "))]\n" }
    text += "spec: {size: \(size)}\n"
    return text
}
