import AdapterModel
import EventSourceAPI
import StructuredData
import Testing

@testable import Reconciler

/// Which sink an entry uses: spec.sink, else its EventBus when that exists, else --default-sink,
/// else none with a reason.
@Suite struct SinkSelectionTests {
    private func eventSource(sink: String? = nil, eventBusName: String? = nil) throws -> EventSource {
        var spec = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, namespace: ns}
            spec:
              redisStream:
                a: {hostAddress: "127.0.0.1:6379", streams: [FOO]}

            """
        if let sink { spec += "  sink: {uri: \"\(sink)\"}\n" }
        if let eventBusName { spec += "  eventBusName: \(eventBusName)\n" }
        return try EventSourceFile.parse(spec).documents[0].result.get()
    }

    private func bus(_ yaml: String) throws -> EventBusLookup {
        let object = try #require(try YAMLReader.documents(yaml).first)
        return .found(try EventBus.decode(object).get())
    }

    private let exotic = """
        apiVersion: argoproj.io/v1alpha1
        kind: EventBus
        metadata: {name: default, namespace: ns}
        spec:
          jetstreamExotic:
            url: nats://127.0.0.1:4222
            accessSecret: {name: nats-auth, key: auth.yaml}
            streamConfig: "duplicates: 10m"
        """

    private let credentials = SecretSnapshot(secrets: ["ns": ["nats-auth": ["auth.yaml": Array("username: u\npassword: p\n".utf8)]]])

    @Test func specSinkComesFirst() throws {
        let state = DesiredState.build(
            try eventSource(sink: "http://127.0.0.1:9/"), secrets: credentials, defaultSink: SinkSpec(uri: "stdout"),
            replicaName: "pod", eventBus: try bus(exotic))
        let configuration = try #require(state.adapters.values.first)
        #expect(configuration.eventBus == nil)
        #expect(configuration.sinkDescription == "http://127.0.0.1:9/")
    }

    @Test func anExistingEventBusComesBeforeTheDefaultSink() throws {
        let state = DesiredState.build(
            try eventSource(), secrets: credentials, defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod",
            eventBus: try bus(exotic))
        let configuration = try #require(state.adapters.values.first)
        let endpoint = try #require(configuration.eventBus)
        #expect(endpoint.connection.url == "nats://127.0.0.1:4222")
        #expect(endpoint.connection.credentials == NATSCredentials(username: "u", password: SecretValue("p")))
        #expect(endpoint.streamSettings.duplicates == 600_000_000_000)
        #expect(configuration.sinkDescription == "eventbus default (nats://127.0.0.1:4222)")
    }

    @Test func theEventBusSecretsAreNamedEvenWhenMissing() throws {
        let state = DesiredState.build(
            try eventSource(), secrets: SecretSnapshot(), defaultSink: nil, replicaName: "pod", eventBus: try bus(exotic))
        #expect(state.secretNames == ["nats-auth"])
        #expect(state.problems["a"]?.reason == "SecretMissing")
    }

    @Test func aMissingAccessSecretStillNamesTheBusTLSSecretsAndIsTheProblem() throws {
        let withTLS = exotic + "\n    tls: {caCertSecret: {name: nats-ca, key: ca.crt}}"
        let state = DesiredState.build(
            try eventSource(), secrets: SecretSnapshot(), defaultSink: nil, replicaName: "pod", eventBus: try bus(withTLS))
        #expect(state.secretNames == ["nats-auth", "nats-ca"])
        #expect(state.problems["a"]?.message.contains("nats-auth") == true)
    }

    @Test func withoutAnEventBusTheDefaultSinkIsUsed() throws {
        let state = DesiredState.build(
            try eventSource(), secrets: credentials, defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod", eventBus: nil)
        #expect(state.adapters.values.first?.sinkDescription == "stdout")
    }

    @Test func withNothingTheEntryWaitsWithAReason() throws {
        let state = DesiredState.build(try eventSource(), secrets: credentials, defaultSink: nil, replicaName: "pod")
        #expect(state.adapters.isEmpty)
        #expect(state.problems["a"] == .noSink)
        #expect(state.problems["a"]?.message.contains("EventBus") == true)
    }

    @Test func eventBusNameDefaultsToDefault() throws {
        #expect(try eventSource().eventBusName == "default")
        #expect(try eventSource(eventBusName: "team-bus").eventBusName == "team-bus")
    }

    @Test func aMissingAccessSecretIsReported() throws {
        let state = DesiredState.build(
            try eventSource(), secrets: SecretSnapshot(), defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod",
            eventBus: try bus(exotic))
        #expect(state.adapters.isEmpty)
        #expect(state.problems["a"]?.reason == "SecretMissing")
    }

    @Test func credentialsThatAreNotAuthYAMLAreReportedWithoutTheirValue() throws {
        let broken = SecretSnapshot(secrets: ["ns": ["nats-auth": ["auth.yaml": Array("password: hunter2\n".utf8)]]])
        let state = DesiredState.build(
            try eventSource(), secrets: broken, defaultSink: nil, replicaName: "pod", eventBus: try bus(exotic))
        let problem = try #require(state.problems["a"])
        #expect(problem.reason == "EventBusUnusable")
        #expect(problem.message.contains("no username"))
        #expect(!problem.message.contains("hunter2"))
    }

    @Test func unsupportedBusesAreReportedAndNotReplacedByTheDefaultSink() throws {
        let kafka = try bus(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventBus
            metadata: {name: default, namespace: ns}
            spec: {kafka: {url: "kafka:9092"}}
            """)
        let state = DesiredState.build(
            try eventSource(), secrets: credentials, defaultSink: SinkSpec(uri: "stdout"), replicaName: "pod", eventBus: kafka)
        #expect(state.adapters.isEmpty)
        #expect(state.problems["a"]?.reason == "EventBusUnusable")
        #expect(state.problems["a"]?.message.contains("Kafka") == true)
    }
}
