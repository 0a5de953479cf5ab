import AdapterModel
import EventSourceAPI
import StructuredData
import Testing

@testable import Reconciler

/// Which TLS an EventBus gets, and how its bad inputs read in status: a reason naming the field or
/// the Secret, never a password.
@Suite struct EventBusTLSChoiceTests {
    private func eventSource() throws -> EventSource {
        let yaml = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: es, namespace: ns}
            spec:
              redisStream:
                a: {hostAddress: "127.0.0.1:6379", streams: [FOO]}
            """
        return try EventSourceFile.parse(yaml).documents[0].result.get()
    }

    private func lookup(_ yaml: String) throws -> EventBusLookup {
        let object = try #require(try YAMLReader.documents(yaml).first)
        switch EventBus.decode(object) {
        case .success(let bus): return .found(bus)
        case .failure(let error): return .invalid(name: "default", error)
        }
    }

    /// Argo's native bus as its controller leaves it: status.config.jetstream, no tls block.
    private func argoBus(annotation: String? = nil) -> String {
        """
        apiVersion: argoproj.io/v1alpha1
        kind: EventBus
        metadata:
          name: default
          namespace: ns
        \(annotation.map { "  annotations: {redis-eventsource/ca-cert-secret: \"\($0)\"}" } ?? "")
        spec:
          jetstream: {version: latest}
        status:
          config:
            jetstream:
              url: nats://eventbus-default-js-svc.ns.svc:4222
              accessSecret: {name: eventbus-default-js-client-auth, key: client-auth}
              streamConfig: "duplicates: 300s\\nmaxmsgs: 50000\\n"
        """
    }

    private func secrets(_ extra: [String: [String: String]] = [:]) -> SecretSnapshot {
        var byName: [String: [String: [UInt8]]] = [
            "eventbus-default-js-client-auth": ["client-auth": Array("username: abcdefgh\npassword: s3cret-s3cret-s3".utf8)],
            "eventbus-default-js-server": ["ca-cert": Array("-----BEGIN CERTIFICATE-----\nserver CA\n-----END CERTIFICATE-----\n".utf8)],
        ]
        for (name, keys) in extra { byName[name] = keys.mapValues { Array($0.utf8) } }
        return SecretSnapshot(secrets: ["ns": byName])
    }

    private func build(_ bus: String, secrets: SecretSnapshot, pinnedCA: SecretValue? = nil) throws -> DesiredState {
        DesiredState.build(
            try eventSource(), secrets: secrets, defaultSink: nil, replicaName: "pod", eventBus: try lookup(bus), eventBusCA: pinnedCA)
    }

    @Test func aBusWithoutTLSBlockIsReachedAsArgoReachesIt() throws {
        let endpoint = try #require(try build(argoBus(), secrets: secrets()).adapters.values.first?.eventBus)
        #expect(endpoint.connection.tls == nil)
        #expect(endpoint.streamSettings.maxMsgs == 50000)
    }

    @Test func theAnnotationComesBeforeTheControllersCA() throws {
        let state = try build(
            argoBus(annotation: "eventbus-default-js-server/ca-cert"), secrets: secrets(), pinnedCA: SecretValue("flag CA"))
        let endpoint = try #require(state.adapters.values.first?.eventBus)
        // The PEM lost its one trailing newline, as every Secret value does.
        #expect(endpoint.connection.tls?.caCertificate?.text == "-----BEGIN CERTIFICATE-----\nserver CA\n-----END CERTIFICATE-----")
        #expect(state.secretNames.contains("eventbus-default-js-server"))
        let flagged = try #require(try build(argoBus(), secrets: secrets(), pinnedCA: SecretValue("flag CA")).adapters.values.first?.eventBus)
        #expect(flagged.connection.tls?.caCertificate == SecretValue("flag CA"))
    }

    @Test func aBadAnnotationIsNamed() throws {
        let state = try build(argoBus(annotation: "no-key-here"), secrets: secrets())
        let message = try #require(state.problems["a"]?.message)
        #expect(message.contains("metadata.annotations[redis-eventsource/ca-cert-secret]"))
        #expect(state.problems["a"]?.reason == "EventBusUnusable")
    }

    @Test func badInputGivesAReasonNamingTheFieldAndNoPassword() throws {
        // A malformed server list.
        let list = argoBus().replacingOccurrences(
            of: "url: nats://eventbus-default-js-svc.ns.svc:4222", with: "url: \"nats://u:list-pw@a:4222,,nats://b:4222\"")
        let listProblem = try #require(try build(list, secrets: secrets()).problems["a"])
        #expect(listProblem.message.contains("status.config.jetstream.url"))
        #expect(listProblem.message.contains("server 2 of 3"))
        #expect(!listProblem.message.contains("list-pw"))

        // An auth.yaml without a password.
        let noPassword = try #require(
            try build(argoBus(), secrets: secrets(["eventbus-default-js-client-auth": ["client-auth": "username: abcdefgh\n"]]))
                .problems["a"])
        #expect(noPassword.message.contains("eventbus-default-js-client-auth/client-auth"))
        #expect(noPassword.message.contains("no password"))

        // A Secret holding only "\n".
        let newline = try #require(
            try build(argoBus(), secrets: secrets(["eventbus-default-js-client-auth": ["client-auth": "\n"]])).problems["a"])
        #expect(newline.message.contains("eventbus-default-js-client-auth/client-auth"))
        #expect(newline.message.contains("only a newline"))
        for problem in [listProblem, noPassword, newline] { #expect(!problem.message.contains("s3cret")) }
    }
}
