import Foundation
import Testing
import TestSupport
@testable import EventSourceAPI

/// A RedisStreamSource reads exactly as the EventSource it was converted from: same entries, same
/// defaults, same problems; only what our kind cannot hold differs.
@Suite struct RedisStreamSourceDecodingTests {
    static func converted(_ text: String) -> String {
        text.replacingOccurrences(of: "apiVersion: argoproj.io/v1alpha1", with: "apiVersion: redis-eventsource.io/v1alpha1")
            .replacingOccurrences(of: "kind: EventSource", with: "kind: RedisStreamSource")
    }

    private func decode(_ yaml: String) throws -> Result<EventSource, ValidationError> {
        try #require(try EventSourceFile.parse(yaml).documents.first).result
    }

    @Test func theConvertedExampleDecodesToTheSameEntries() throws {
        let url = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/examples/redis-streams.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let argo = try decode(text).get()
        let ours = try decode(Self.converted(text)).get()
        #expect(argo.sourceKind == .eventSource)
        #expect(ours.sourceKind == .redisStreamSource)
        #expect(ours.name == argo.name)
        #expect(ours.redisStream.map(\.name) == argo.redisStream.map(\.name))
        #expect(ours.redisStream.map(\.source) == argo.redisStream.map(\.source))
        #expect(ours.eventBusName == "default")
        #expect(ours.warnings.isEmpty)
    }

    /// Defaults and entry rules are shared: every problem an EventSource entry has, the converted one has too.
    @Test(arguments: [
        "{streams: [FOO]}",
        "{hostAddress: 127.0.0.1:6379, streams: []}",
        "{hostAddress: 127.0.0.1:6379, streams: [FOO], db: -1}",
        "{hostAddress: 127.0.0.1:6379, streams: [FOO], maxDeliveries: 3}",
        "{hostAddress: 127.0.0.1:6379, streams: [FOO], startFrom: later}",
        "{hostAddress: 127.0.0.1:6379, streams: [FOO], maxMsgCountPerRead: 0, consumerGroup: ''}",
    ])
    func entriesFollowTheEventSourceRules(entry: String) throws {
        let argo = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                example: \(entry)
            """
        let a = try decode(argo)
        let b = try decode(Self.converted(argo))
        switch (a, b) {
        case (.success(let left), .success(let right)):
            #expect(left.redisStream.map(\.source) == right.redisStream.map(\.source))
        case (.failure(let left), .failure(let right)):
            #expect(left.problems == right.problems)
        default:
            Issue.record("one kind accepted what the other refused: \(a) / \(b)")
        }
    }

    @Test func eventBusNameAndSinkAreRead() throws {
        let ours = try decode(
            """
            apiVersion: redis-eventsource.io/v1alpha1
            kind: RedisStreamSource
            metadata: {name: rss}
            spec:
              eventBusName: other
              sink: {uri: stdout}
              redisStream: {example: {hostAddress: 127.0.0.1:6379, streams: [FOO]}}
            """
        ).get()
        #expect(ours.eventBusName == "other")
        #expect(ours.sink?.uri == "stdout")
    }
}
