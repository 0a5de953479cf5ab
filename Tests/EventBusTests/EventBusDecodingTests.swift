import EventSourceAPI
import StructuredData
import Testing

@Suite struct EventBusDecodingTests {
    private func decode(_ yaml: String) throws -> Result<EventBus, ValidationError> {
        EventBus.decode(try #require(try YAMLReader.documents(yaml).first))
    }

    @Test func statusConfigComesBeforeTheExoticSpec() throws {
        let bus = try decode(
            """
            metadata: {name: default, namespace: argo-events}
            spec:
              jetstreamExotic: {url: "nats://exotic:4222"}
            status:
              config:
                jetstream:
                  url: nats://eventbus-default-js-svc:4222
                  accessSecret: {name: eventbus-default-js-client-auth, key: client-auth}
                  streamConfig: |
                    maxMsgs: 50000
                    maxAge: 168h
            """
        ).get()
        guard case .jetStream(let config) = bus.connection else {
            Issue.record("expected JetStream, got \(bus.connection)")
            return
        }
        #expect(config.url == "nats://eventbus-default-js-svc:4222")
        #expect(config.accessSecret == SecretKeySelector(name: "eventbus-default-js-client-auth", key: "client-auth"))
        #expect(config.streamSettings.maxMsgs == 50000)
        #expect(bus.namespace == "argo-events")
    }

    @Test func withoutArgosControllerTheExoticSpecIsUsed() throws {
        let bus = try decode(
            """
            metadata: {name: default}
            spec:
              jetstreamExotic:
                url: nats://127.0.0.1:4222
                tls: {caCertSecret: {name: nats-ca, key: ca.crt}}
            """
        ).get()
        guard case .jetStream(let config) = bus.connection else {
            Issue.record("expected JetStream, got \(bus.connection)")
            return
        }
        #expect(config.tls?.caCertSecret?.name == "nats-ca")
        #expect(config.accessSecret == nil)
    }

    @Test func kafkaNatsStreamingAndUndeployedBusesAreUnusableWithAReason() throws {
        let cases: [(String, String)] = [
            ("spec: {kafka: {url: kafka:9092}}", "Kafka"),
            ("spec: {nats: {native: {}}}", "NATS Streaming"),
            ("spec: {jetstream: {version: latest}}", "status.config.jetstream"),
            ("spec: {}", "no JetStream configuration"),
        ]
        for (spec, expected) in cases {
            let bus = try decode("metadata: {name: default}\n\(spec)").get()
            guard case .unusable(let reason) = bus.connection else {
                Issue.record("\(spec) was usable")
                continue
            }
            #expect(reason.contains(expected), "\(spec): \(reason)")
        }
    }

    @Test func badFieldsAreNamed() throws {
        guard case .failure(let error) = try decode(
            """
            metadata: {name: default}
            spec:
              jetstreamExotic:
                url: http://not-nats
                streamConfig: "maxAge: soon"
            """)
        else {
            Issue.record("accepted")
            return
        }
        #expect(error.problems.map(\.path) == ["spec.jetstreamExotic.url", "spec.jetstreamExotic.streamConfig.maxAge"])
    }
}
