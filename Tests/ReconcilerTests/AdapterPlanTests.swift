import AdapterModel
import EventSourceAPI
import Testing
@testable import Reconciler

@Suite struct AdapterPlanTests {
    static func configuration(_ event: String, streams: [String] = ["FOO"], password: String? = nil, sink: String = "stdout")
        -> AdapterConfiguration
    {
        AdapterConfiguration(
            namespace: "ns", eventSourceName: "es", eventName: event,
            source: RedisStreamEntry(hostAddress: HostAddress(host: "127.0.0.1", port: 6379), streams: streams),
            password: password.map { SecretValue($0) }, sink: SinkSpec(uri: sink), consumerName: "pod-a")
    }

    private func map(_ configurations: [AdapterConfiguration]) -> [AdapterKey: AdapterConfiguration] {
        Dictionary(uniqueKeysWithValues: configurations.map { ($0.adapterKey, $0) })
    }

    @Test func startsNewEntriesStopsRemovedOnesAndLeavesUnchangedOnesAlone() {
        let running = map([Self.configuration("a"), Self.configuration("b")])
        let desired = map([Self.configuration("a"), Self.configuration("c")])
        let plan = AdapterPlan.diff(desired: desired, running: running)
        #expect(plan.start.map(\.eventName) == ["c"])
        #expect(plan.restart.isEmpty)
        #expect(plan.stop.map(\.eventName) == ["b"])
    }

    @Test func restartsExactlyTheEntriesWhoseEffectiveConfigurationChanged() {
        let running = map([Self.configuration("a"), Self.configuration("b", password: "old"), Self.configuration("c")])
        let desired = map([
            Self.configuration("a"), Self.configuration("b", password: "new"), Self.configuration("c", sink: "http://127.0.0.1:1/"),
        ])
        let plan = AdapterPlan.diff(desired: desired, running: running)
        #expect(plan.restart.map(\.eventName) == ["b", "c"])
        #expect(plan.start.isEmpty && plan.stop.isEmpty)
    }

    @Test func nothingToDoWhenEverythingMatches() {
        let both = map([Self.configuration("a", streams: ["X", "Y"])])
        #expect(AdapterPlan.diff(desired: both, running: both).isEmpty)
    }
}

@Suite struct DesiredStateTests {
    private func eventSource(sink: String? = nil, password: Bool = false) throws -> EventSource {
        let file = try EventSourceFile.parse(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, namespace: ns}
            spec:
              \(sink.map { "sink: {uri: \"\($0)\"}" } ?? "")
              redisStream:
                a: {hostAddress: "127.0.0.1:6379", streams: [A]}
                b:
                  hostAddress: "127.0.0.1:6379"
                  streams: [B]
                  \(password ? "password: {name: redis, key: password}" : "")
            """)
        return try file.documents[0].result.get()
    }

    @Test func usesTheSpecsSinkBeforeTheDefault() throws {
        let state = DesiredState.build(
            try eventSource(sink: "http://127.0.0.1:9/x"), secrets: SecretSnapshot(),
            defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod")
        #expect(state.problems.isEmpty)
        #expect(state.adapters.values.map(\.sinkDescription) == ["http://127.0.0.1:9/x", "http://127.0.0.1:9/x"])
        // Each entry reads under a consumer name of its own, derived from the replica's.
        #expect(Set(state.adapters.values.map(\.consumerName)) == ["pod:ns/es/a", "pod:ns/es/b"])
    }

    @Test func withoutAnySinkNoEntryStarts() throws {
        let state = DesiredState.build(try eventSource(), secrets: SecretSnapshot(), defaultSink: nil, replicaName: "pod")
        #expect(state.adapters.isEmpty)
        #expect(state.problems == ["a": .noSink, "b": .noSink])
    }

    @Test func aMissingSecretStopsOnlyTheEntryThatNeedsIt() throws {
        let state = DesiredState.build(
            try eventSource(password: true), secrets: SecretSnapshot(), defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod")
        #expect(state.adapters.keys.map(\.eventName) == ["a"])
        #expect(state.problems["b"]?.reason == "SecretMissing")
        #expect(state.problems["b"]?.message.contains("Secret ns/redis not found") == true)

        let secrets = SecretSnapshot(secrets: ["ns": ["redis": ["password": Array("pw".utf8)]]])
        let resolved = DesiredState.build(
            try eventSource(password: true), secrets: secrets, defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod")
        #expect(resolved.problems.isEmpty)
        #expect(resolved.adapters[AdapterKey(namespace: "ns", name: "es", eventName: "b")]?.password == SecretValue("pw"))
    }
}
