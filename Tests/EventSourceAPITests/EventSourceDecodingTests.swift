import Foundation
import Testing
import TestSupport
@testable import EventSourceAPI

@Suite struct EventSourceDecodingTests {
    private func decode(_ yaml: String) throws -> Result<EventSource, ValidationError> {
        let file = try EventSourceFile.parse(yaml)
        return try #require(file.documents.first).result
    }

    private func problems(_ yaml: String) throws -> [String] {
        guard case .failure(let error) = try decode(yaml) else { return [] }
        return error.problems.map(\.description)
    }

    @Test func decodesTheShippedExampleWithArgoDefaults() throws {
        let url = BuiltProducts.repositoryRoot.appendingPathComponent("manifests/examples/redis-streams.yaml")
        let text = try String(contentsOf: url, encoding: .utf8)
        let eventSource = try decode(text).get()
        #expect(eventSource.name == "redis-stream")
        #expect(eventSource.namespace == "default")
        #expect(eventSource.redisStream.map(\.name) == ["example"])
        let source = eventSource.redisStream[0].source
        #expect(source.streams == ["FOO"])
        #expect(source.consumerGroup == "argo-events-cg")
        #expect(source.maxMsgCountPerRead == 50)
        #expect(source.db == 0)
        #expect(source.password == nil)
        #expect(eventSource.sink == nil)
    }

    @Test func appliesDefaultsWhenFieldsAreAbsent() throws {
        let eventSource = try decode(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, namespace: team-a}
            spec:
              redisStream:
                one: {hostAddress: "redis:6379", streams: [A, B]}
            """
        ).get()
        let source = eventSource.redisStream[0].source
        #expect(eventSource.namespace == "team-a")
        #expect(source.hostAddress == HostAddress(host: "redis", port: 6379))
        #expect(source.consumerGroup == RedisStreamEntry.defaultConsumerGroup)
        #expect(source.maxMsgCountPerRead == 10)
        #expect(source.claimMinIdleSeconds == RedisStreamEntry.defaultClaimMinIdleSeconds)
        #expect(source.metadata.isEmpty)
        #expect(source.tls == nil)
    }

    @Test func readsEveryArgoFieldAndOurExtensions() throws {
        let eventSource = try decode(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              sink: {uri: "http://127.0.0.1:8080/events", mode: structured}
              redisStream:
                full:
                  hostAddress: "[::1]:6380"
                  db: 3
                  username: app
                  password: {name: redis-secret, key: password}
                  streams: [S]
                  maxMsgCountPerRead: 100
                  consumerGroup: cg
                  metadata: {team: payments}
                  filter: {expression: "values.kind == 'a'"}
                  tls:
                    caCertSecret: {name: tls, key: ca.crt}
                    clientCertSecret: {name: tls, key: tls.crt}
                    clientKeySecret: {name: tls, key: tls.key}
                    insecureSkipVerify: false
                  deadLetterStream: S-dead
                  maxDeliveries: 5
                  claimMinIdleSeconds: 30
            """
        ).get()
        let source = eventSource.redisStream[0].source
        #expect(source.hostAddress == HostAddress(host: "::1", port: 6380))
        #expect(source.db == 3)
        #expect(source.username == "app")
        #expect(source.password == SecretKeySelector(name: "redis-secret", key: "password"))
        #expect(source.consumerGroup == "cg")
        #expect(source.metadata == ["team": "payments"])
        #expect(source.filterExpression == "values.kind == 'a'")
        #expect(source.tls?.caCertSecret?.key == "ca.crt")
        #expect(source.tls?.enabled == true)
        #expect(source.deadLetterStream == "S-dead")
        #expect(source.maxDeliveries == 5)
        #expect(source.claimMinIdleSeconds == 30)
        #expect(eventSource.sink == SinkSpec(uri: "http://127.0.0.1:8080/events", mode: .structured))
    }

    @Test func ignoresEverythingElseAnArgoEventSourceMayCarry() throws {
        let eventSource = try decode(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, annotations: {a: b}}
            spec:
              eventBusName: default
              replicas: 2
              template: {serviceAccountName: sa}
              service: {ports: [{port: 12000}]}
              kafka: {example: {url: "kafka:9092", topic: t}}
              somethingNew: {x: 1}
              redisStream:
                r: {hostAddress: "h:1", streams: [S], futureField: true}
            status: {conditions: []}
            """
        ).get()
        #expect(eventSource.redisStream.count == 1)
    }

    @Test func anEventSourceWithoutRedisStreamIsValidButHasNothingToRun() throws {
        let eventSource = try decode(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: hooks}
            spec:
              webhook: {example: {port: "12000", endpoint: /example}}
            """
        ).get()
        #expect(!eventSource.hasRedisStream)
    }

    @Test func reportsEveryProblemAtOnceWithItsPath() throws {
        let found = try problems(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              sink: {uri: "ftp://x", mode: fancy}
              redisStream:
                example:
                  db: zero
                  streams: []
                  maxMsgCountPerRead: -1
                  password: {name: s}
                  tls: {clientCertSecret: {name: t, key: c}}
                  maxDeliveries: 0
            """)
        #expect(
            Set(found) == [
                "spec.redisStream.example.hostAddress: required: give one way to reach Redis: hostAddress, url, urlSecret, sentinel or cluster",
                "spec.redisStream.example.db: must be an integer from -2147483648 to 2147483647, got a string",
                "spec.redisStream.example.streams: must not be empty: Argo accepts [], but Redis then answers every read with a syntax error",
                "spec.redisStream.example.password.key: required",
                "spec.redisStream.example.tls: clientCertSecret and clientKeySecret must be set together",
                "spec.redisStream.example.maxDeliveries: must be an integer from 1 to 2147483647, got 0",
                "spec.sink.mode: must be binary or structured, got 'fancy'",
                "spec.sink.uri: must be stdout, an http:// or https:// URL, or a nats:// or tls:// EventBus URL, got 'ftp://x'",
            ])
    }

    @Test(arguments: [
        ("hostAddress: redis", "spec.redisStream.e.hostAddress: must be host:port, got 'redis' (Argo accepts it, but cannot connect without a port)"),
        ("hostAddress: 'redis:0'", "spec.redisStream.e.hostAddress: the port must be a number from 1 to 65535, got '0'"),
        ("hostAddress: ':6379'", "spec.redisStream.e.hostAddress: the host is empty in ':6379'"),
        ("hostAddress: 6379", "spec.redisStream.e.hostAddress: expected a string, got a number"),
    ])
    func rejectsBadHostAddresses(line: String, expected: String) throws {
        let found = try problems(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                e:
                  \(line)
                  streams: [S]
            """)
        #expect(found == [expected])
    }

    @Test func rejectsWrongTypesForListsAndMaps() throws {
        let found = try problems(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es}
            spec:
              redisStream:
                e: {hostAddress: "h:1", streams: FOO, metadata: [a], consumerGroup: 5}
            """)
        #expect(
            found == [
                "spec.redisStream.e.streams: expected a list of strings, got a string",
                "spec.redisStream.e.consumerGroup: expected a string, got a number",
                "spec.redisStream.e.metadata: expected a map, got a list",
            ])
    }

    @Test func rejectsAMissingNameAndALoopingDeadLetterStream() throws {
        let found = try problems(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {}
            spec:
              redisStream:
                e: {hostAddress: "h:1", streams: [A, A], deadLetterStream: A, maxDeliveries: 2}
            """)
        #expect(
            found == [
                "metadata.name: required",
                "spec.redisStream.e.deadLetterStream: must not be one of the streams read, or entries would loop",
            ])
    }

    @Test func skipsDocumentsOfOtherKindsInTheSameFile() throws {
        let file = try EventSourceFile.parse(
            """
            apiVersion: argoproj.io/v1alpha1
            kind: Sensor
            metadata: {name: s}
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: a}
            spec: {redisStream: {e: {hostAddress: "h:1", streams: [S]}}}
            ---
            """)
        #expect(file.documents.count == 1)
        #expect(file.documents[0].index == 2)
        #expect(file.eventSources.map(\.name) == ["a"])
    }

    @Test func aYAMLSyntaxErrorCarriesLineAndColumn() {
        do {
            _ = try EventSourceFile.parse("kind: EventSource\nspec:\n  redisStream: [\n")
            Issue.record("expected a YAML error")
        } catch {
            #expect(error.line >= 3)
            #expect(error.column >= 1)
        }
    }
}
