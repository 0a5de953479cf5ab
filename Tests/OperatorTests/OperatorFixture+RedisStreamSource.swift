import Adapter
import Foundation
import StructuredData
import TestSupport

/// Our own kind beside Argo's: its CRD, Argo's CRDs as Argo ships them, and Argo's example converted.
extension OperatorFixture {
    static let redisStreamSourceCRDPath = BuiltProducts.repositoryRoot
        .appendingPathComponent("manifests/components/redisstreamsources-only/redis-eventsource.io_redisstreamsources.yaml").path
    static let besideArgoVariant = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/variants/beside-argo-events").path

    /// Argo Events' own EventSource CRD (no typed fields) and its EventBus CRD, as a cluster-wide Argo has them.
    func installArgoCRDs() async throws {
        try await apply(EventBusOperatorTests.argoEventSourceCRD)
        let eventBusCRD = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/crds/argoproj.io_eventbus.yaml").path
        try await kubectl.succeed(["apply", "-f", eventBusCRD])
    }

    /// manifests/examples/redis-streams.yaml, which is Argo's example, converted the documented way:
    /// apiVersion and kind changed, nothing else; the host then points at the test's redis-server,
    /// and `entryLines` are added to the entry when given.
    func convertedArgoExample(entryLines: [String] = []) throws -> String {
        let path = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/examples/redis-streams.yaml").path
        let argo = try String(contentsOfFile: path, encoding: .utf8)
        var converted = argo
            .replacingOccurrences(of: "apiVersion: argoproj.io/v1alpha1", with: "apiVersion: redis-eventsource.io/v1alpha1")
            .replacingOccurrences(of: "kind: EventSource", with: "kind: RedisStreamSource")
        precondition(converted != argo && converted.contains("hostAddress: 127.0.0.1:6379"), "the example changed shape")
        converted = converted.replacingOccurrences(of: "127.0.0.1:6379", with: "127.0.0.1:\(redis.port)")
        for line in entryLines {
            converted = converted.replacingOccurrences(of: "      db: 0\n", with: "      db: 0\n      \(line)\n")
        }
        return converted
    }

    func redisStreamSource(_ name: String, namespace: String = "default") async throws -> JSONValue? {
        let result = try await kubectl.run(["get", "redisstreamsource", name, "-n", namespace, "-o", "json"])
        guard result.exitCode == 0 else { return nil }
        return try JSONParser.parse(result.output)
    }

    func redisStreamSourceCondition(_ name: String, _ type: String) async throws -> JSONValue? {
        try await redisStreamSource(name)?["status"]?["conditions"]?.arrayValue?.first { $0["type"]?.stringValue == type }
    }

    func waitForRedisStreamSourceReady(_ name: String, timeout: Duration = .seconds(60)) async throws {
        try await waitUntil("RedisStreamSource \(name) Ready", timeout: timeout) {
            try await redisStreamSourceCondition(name, "Ready")?["status"]?.stringValue == "True"
        }
    }

    /// An Argo EventSource with a redisStream entry on `stream`, for a cluster-wide Argo to run.
    func argoEventSource(_ name: String, stream: String) -> String {
        eventSourceYAML(name: name, entries: [("example", [stream])])
    }

    /// What a controller in redisstreamsources mode must leave on an Argo EventSource: no consumer
    /// group on its stream (created beforehand with one entry), no status, no Event.
    func expectLeftAlone(eventSource name: String, stream: String) async throws -> [String] {
        var problems: [String] = []
        let groups = try await client.command("XINFO", "GROUPS", stream)
        if groups.array?.isEmpty != true { problems.append("consumer groups on \(stream): \(groups)") }
        let object = try await eventSource(name)
        if object == nil { problems.append("the EventSource \(name) is gone") }
        if let status = object?["status"] { problems.append("status written: \(JSONWriter.string(status))") }
        let reasons = try await eventReasons(about: name)
        if !reasons.isEmpty { problems.append("Events recorded: \(reasons)") }
        return problems
    }
}
