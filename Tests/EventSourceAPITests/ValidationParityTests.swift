import Foundation
import Testing
import TestSupport
@testable import EventSourceAPI

/// One case per line of docs/argo-compatibility.md's validation parity table ("Validation compared with Argo Events"):
/// what Argo says, what we say. The table test below keeps the table and these cases in step.
struct ParityCase: Sendable, CustomTestStringConvertible {
    enum Outcome: Sendable {
        /// Valid; `warning` (a path and a piece of its message) when one is expected.
        case accepted(warning: (path: String, text: String)?)
        case rejected(path: String, text: String)
    }

    let id: String
    /// The `spec` of the EventSource, indented as under `spec:`.
    let spec: String
    let outcome: Outcome
    /// What the accepted EventSource must look like.
    let check: @Sendable (EventSource) -> Bool

    init(_ id: String, _ spec: String, _ outcome: Outcome, check: @escaping @Sendable (EventSource) -> Bool = { _ in true }) {
        self.id = id
        self.spec = spec
        self.outcome = outcome
        self.check = check
    }

    var testDescription: String { id }

    /// A `redisStream` entry `e` with a host and a stream, plus `fields`.
    static func entry(_ fields: String = "", hostAddress: String = "127.0.0.1:6379", streams: String = "[A]") -> String {
        var lines = ["redisStream:", "  e:", "    hostAddress: \"\(hostAddress)\"", "    streams: \(streams)"]
        lines += fields.split(separator: "\n").map { "    " + $0 }
        return lines.joined(separator: "\n")
    }

    /// An entry `e` reaching Redis by `way` (url, urlSecret, sentinel, cluster) instead of hostAddress.
    static func reaching(_ way: String, streams: String = "[A]") -> String {
        var lines = ["redisStream:", "  e:", "    streams: \(streams)"]
        lines += way.split(separator: "\n").map { "    " + $0 }
        return lines.joined(separator: "\n")
    }

    static func source(_ eventSource: EventSource) -> RedisStreamEntry? { eventSource.redisStream.first?.source }
}

extension ParityCase {
    static let all: [ParityCase] = [
        ParityCase("V1", entry(streams: "[]"), .rejected(path: "spec.redisStream.e.streams", text: "syntax error")),
        ParityCase("V2", "redisStream:\n  e: {hostAddress: \"h:6379\"}", .rejected(path: "spec.redisStream.e.streams", text: "required")),
        ParityCase(
            "V3", entry(streams: "[A, B, A]"), .accepted(warning: ("spec.redisStream.e.streams[2]", "listed twice")),
            check: { source($0)?.streams == ["A", "B"] }),
        ParityCase(
            "V4", entry("db: -1"), .accepted(warning: ("spec.redisStream.e.db", "runs on db 0")), check: { source($0)?.db == 0 }),
        ParityCase(
            "V5", entry("maxMsgCountPerRead: -1"), .accepted(warning: ("spec.redisStream.e.maxMsgCountPerRead", "no COUNT")),
            check: { source($0)?.maxMsgCountPerRead == 10 }),
        ParityCase("V6", entry("maxMsgCountPerRead: 0"), .accepted(warning: nil), check: { source($0)?.maxMsgCountPerRead == 10 }),
        ParityCase("V7", entry(hostAddress: "redis"), .rejected(path: "spec.redisStream.e.hostAddress", text: "cannot connect without a port")),
        ParityCase(
            "V8", entry(hostAddress: "redis://redis:6379"), .rejected(path: "spec.redisStream.e.hostAddress", text: "without a scheme")),
        ParityCase("V9", entry(hostAddress: ""), .rejected(path: "spec.redisStream.e.hostAddress", text: "required")),
        ParityCase(
            "V10", entry("username: app"), .accepted(warning: ("spec.redisStream.e.username", "ignored without password")),
            check: { source($0)?.username == nil }),
        ParityCase("V11", entry("tls: {}"), .rejected(path: "spec.redisStream.e.tls", text: "Argo rejects this block too")),
        ParityCase("V12", entry("tls: {enabled: false}"), .rejected(path: "spec.redisStream.e.tls", text: "Argo rejects this block too")),
        ParityCase(
            "V13", entry("tls: {enabled: true}"), .accepted(warning: nil),
            check: { source($0)?.tls == TLSConfig(enabled: true) }),
        ParityCase(
            "V14", entry("tls: {enabled: false, caCertSecret: {name: tls, key: ca.crt}}"),
            .accepted(warning: ("spec.redisStream.e.tls.enabled", "TLS is on")),
            check: { source($0)?.tls?.enabled == true && source($0)?.tls?.caCertSecret?.key == "ca.crt" }),
        ParityCase(
            "V15",
            entry("tls:\n  insecureSkipVerify: true\n  clientCertSecret: {name: tls, key: tls.crt}\n  clientKeySecret: {name: tls, key: tls.key}"),
            .accepted(warning: ("spec.redisStream.e.tls", "no CA or client certificate is used")),
            check: { source($0)?.tls == TLSConfig(insecureSkipVerify: true, enabled: true) }),
        ParityCase(
            "V16", entry("tls: {clientCertSecret: {name: tls, key: tls.crt}}"),
            .rejected(path: "spec.redisStream.e.tls", text: "must be set together")),
        ParityCase(
            "V17", entry() + "\nwebhook: {hook: {port: \"12000\", endpoint: /x}}",
            .rejected(path: "spec.webhook", text: "RollingUpdate")),
        ParityCase(
            "V18", entry() + "\nkafka: {k: {url: \"kafka:9092\", topic: t}}",
            .accepted(warning: ("spec.kafka", "not run by redis-eventsource")), check: { $0.redisStream.count == 1 }),
        ParityCase(
            "V19", entry() + "\nkafka: {e: {url: \"kafka:9092\", topic: t}}",
            .rejected(path: "spec.kafka.e", text: "also used under spec.redisStream")),
        ParityCase("V20", entry("filter: {}"), .rejected(path: "spec.redisStream.e.filter.expression", text: "drops every event")),
        ParityCase(
            "V21", entry("filter: {expression: \"\"}"), .rejected(path: "spec.redisStream.e.filter.expression", text: "drops every event")),
        ParityCase(
            "V22", entry("password: {name: redis, key: password, optional: true}"),
            .accepted(warning: ("spec.redisStream.e.password.optional", "waits until the Secret exists"))),
        ParityCase(
            "V23", entry("maxMsgCountPerReed: 5\nconsumerGruop: cg"),
            .accepted(warning: ("spec.redisStream.e.maxMsgCountPerReed", "did you mean 'maxMsgCountPerRead'?")),
            check: { source($0)?.maxMsgCountPerRead == 10 && source($0)?.consumerGroup == "argo-events-cg" }),
        ParityCase(
            "V24", entry() + "\nreplicas: 2\ntemplate: {serviceAccountName: sa}\nservice: {ports: [{port: 12000}]}",
            .accepted(warning: ("spec.replicas", "one redis-eventsource process runs every adapter"))),
        ParityCase(
            "V25", entry() + "\nconsumerGroup: cg", .accepted(warning: ("spec.consumerGroup", "belongs in each spec.redisStream entry")),
            check: { source($0)?.consumerGroup == "argo-events-cg" }),
        ParityCase(
            "V26", entry("password: {name: ../private, key: key.txt}"),
            .rejected(path: "spec.redisStream.e.password.name", text: "not a valid Secret name")),
        ParityCase(
            "V27", entry("claimMinIdleSeconds: 9223372036854776"),
            .rejected(path: "spec.redisStream.e.claimMinIdleSeconds", text: "from 1 to 2147483647, got 9223372036854776")),
        ParityCase(
            "V28", entry("filter: {expression: \"values.a ==\"}"), .rejected(path: "spec.redisStream.e.filter.expression", text: "at column 12")),
        ParityCase(
            "V29", entry(hostAddress: "/var/run/redis.sock"), .accepted(warning: nil),
            check: { source($0)?.endpoint == .server(.unix(path: "/var/run/redis.sock")) }),
        ParityCase("V30", "webhook: {hook: {port: \"12000\", endpoint: /x}}", .accepted(warning: nil), check: { !$0.hasRedisStream }),
        ParityCase(
            "V31", entry("filter: {expression: \"value == nil\"}"),
            .accepted(warning: ("spec.redisStream.e.filter.expression", "unknown name 'value' reads as nil")),
            check: { source($0)?.filterExpression == "value == nil" }),
        ParityCase(
            "V32", reaching("url: rediss://app@redis.example:6380/2"), .accepted(warning: nil),
            check: {
                guard case .url(let url)? = source($0)?.endpoint else { return false }
                return url.usesTLS && url.username == "app" && url.db == 2
                    && url.address == .tcp(HostAddress(host: "redis.example", port: 6380))
            }),
        ParityCase(
            "V33", reaching("url: redis://app:s3cret@redis:6379"), .rejected(path: "spec.redisStream.e.url", text: "holds a password")),
        ParityCase(
            "V34", reaching("url: redis://redis:6379?pool_siz=3"), .rejected(path: "spec.redisStream.e.url", text: "unknown option pool_siz")),
        ParityCase(
            "V35", entry("url: redis://redis:6379"), .rejected(path: "spec.redisStream.e.url", text: "only one way to reach Redis")),
        ParityCase(
            "V36", reaching("sentinel: {addresses: [\"10.0.0.1:26379\"]}"),
            .rejected(path: "spec.redisStream.e.sentinel.masterName", text: "required")),
        ParityCase(
            "V37", reaching("cluster: {addresses: [\"10.0.0.5:6379\"]}\ndb: 1"),
            .rejected(path: "spec.redisStream.e.db", text: "only database 0")),
        ParityCase(
            "V38", reaching("cluster: {addresses: [\"10.0.0.5:6379\"]}", streams: "[orders, payments]"),
            .rejected(path: "spec.redisStream.e.cluster", text: "hash tag")),
        ParityCase(
            "V39", reaching("url: unix:///var/run/redis.sock?db=3&pool_size=4"),
            .accepted(warning: ("spec.redisStream.e.url", "pool_size")),
            check: {
                guard case .url(let url)? = source($0)?.endpoint else { return false }
                return url.address == .unix(path: "/var/run/redis.sock") && url.db == 3
            }),
    ]
}

@Suite struct ValidationParityTests {
    static func document(_ spec: String) -> String {
        let indented = spec.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return "apiVersion: argoproj.io/v1alpha1\nkind: EventSource\nmetadata: {name: es}\nspec:\n\(indented)\n"
    }

    @Test(arguments: ParityCase.all)
    func eachLineOfTheParityTable(_ parity: ParityCase) throws {
        let file = try EventSourceFile.parse(Self.document(parity.spec))
        let result = try #require(file.documents.first).result
        switch (parity.outcome, result) {
        case (.accepted(let warning), .success(let eventSource)):
            #expect(parity.check(eventSource))
            if let warning {
                #expect(
                    eventSource.warnings.contains { $0.path == warning.path && $0.message.contains(warning.text) },
                    "warnings: \(eventSource.warnings)")
            } else {
                #expect(eventSource.warnings.isEmpty, "warnings: \(eventSource.warnings)")
            }
        case (.rejected(let path, let text), .failure(let error)):
            #expect(error.problems.contains { $0.path == path && $0.message.contains(text) }, "problems: \(error.problems)")
        case (.accepted, .failure(let error)):
            Issue.record("\(parity.id) should be accepted, got \(error)")
        case (.rejected, .success):
            Issue.record("\(parity.id) should be rejected")
        }
    }

    /// The compatibility page's table lists exactly the cases above, so no line is without a test.
    @Test func theCompatibilityTableHasOneLinePerCase() throws {
        let readme = try String(
            contentsOf: BuiltProducts.repositoryRoot.appendingPathComponent("docs/argo-compatibility.md"), encoding: .utf8)
        let ids = readme.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| V"), let end = line.dropFirst(2).firstIndex(of: " ") else { return nil }
            return String(line[line.index(line.startIndex, offsetBy: 2)..<end])
        }
        #expect(ids == ParityCase.all.map(\.id))
    }
}
