import Foundation
import StructuredData
import TestSupport

/// A real `prometheus` on 127.0.0.1 scraping one target every 2 seconds, with its configuration and
/// storage in a temporary folder. Prometheus cannot report a port the kernel picked, so, as for
/// redis-server, a port below the ephemeral range is chosen and another tried if it was taken.
final class PrometheusServer: Sendable {
    let port: Int
    let directory: URL
    private let child: ChildProcess

    private init(port: Int, directory: URL, child: ChildProcess) {
        self.port = port
        self.directory = directory
        self.child = child
    }

    static func start(scraping target: String) async throws -> PrometheusServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let configuration = directory.appendingPathComponent("prometheus.yml")
        try """
        global: {scrape_interval: 2s, evaluation_interval: 2s, scrape_timeout: 2s}
        scrape_configs:
          - job_name: redis-eventsource
            static_configs: [{targets: ["\(target)"]}]
        """.write(to: configuration, atomically: true, encoding: .utf8)
        for attempt in 1... {
            let port = FreePort.belowEphemeralRange()
            let child = try ChildProcess(
                PrometheusTools.path("prometheus"),
                [
                    "--config.file", configuration.path, "--storage.tsdb.path", directory.appendingPathComponent("data").path,
                    "--web.listen-address", "127.0.0.1:\(port)", "--log.level", "warn",
                ])
            do {
                try await waitUntil("prometheus to listen on port \(port)", timeout: .seconds(120)) {
                    guard child.isRunning else {
                        throw PrometheusServerError.exited(child.standardError)
                    }
                    return ListeningPort.of(pid: child.pid) == port
                }
                return PrometheusServer(port: port, directory: directory, child: child)
            } catch PrometheusServerError.exited(let log) where log.contains("address already in use") && attempt < 8 {
                continue
            } catch {
                child.stop()
                try? FileManager.default.removeItem(at: directory)
                throw error
            }
        }
        fatalError("unreachable")
    }

    func stop() async {
        try? await child.stopAndWait()
        try? FileManager.default.removeItem(at: directory)
    }

    /// `GET /api/v1/<path>` with query parameters, answered `data`; a failed query throws with Prometheus' error.
    func api(_ path: String, _ parameters: [(String, String)]) async throws -> JSONValue {
        var arguments = [
            "--silent", "--show-error", "--noproxy", "*", "--max-time", "\(TestTimeouts.wholeSeconds(TestTimeouts.request))", "--get",
        ]
        for (name, value) in parameters { arguments += ["--data-urlencode", "\(name)=\(value)"] }
        arguments.append("http://127.0.0.1:\(port)/api/v1/\(path)")
        let result = try await CommandRun.run("/usr/bin/curl", arguments)
        guard result.status == 0 else { throw PrometheusServerError.request(path, result.standardError) }
        let answer = try JSONParser.parse(result.standardOutput)
        guard answer["status"]?.stringValue == "success", let data = answer["data"] else {
            throw PrometheusServerError.request(path, result.standardOutput)
        }
        return data
    }

    /// An instant query's result vector (or scalar, as one element).
    func query(_ expression: String) async throws -> [JSONValue] {
        let data = try await api("query", [("query", expression)])
        return data["result"]?.arrayValue ?? []
    }

    /// The label names of every series of `metric` Prometheus has stored.
    func labelNames(of metric: String) async throws -> Set<String> {
        let series = try await api("series", [("match[]", metric)]).arrayValue ?? []
        return Set(series.flatMap { $0.objectValue?.keys ?? [] })
    }
}

enum PrometheusServerError: Error, CustomStringConvertible {
    case exited(String)
    case request(String, String)

    var description: String {
        switch self {
        case .exited(let log): return "prometheus exited: \(log)"
        case .request(let path, let answer): return "prometheus /api/v1/\(path): \(answer)"
        }
    }
}
