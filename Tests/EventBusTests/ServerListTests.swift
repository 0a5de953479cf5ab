import AdapterModel
import EventSourceAPI
import StructuredData
import Testing
import TestSupport

@testable import Sinks

/// A comma-separated EventBus URL is a server list, as nats.go (Argo) reads it: every entry's
/// credentials are kept out of messages, a malformed list is named, and one server down does not
/// stop publishing to the other.
@Suite struct ServerListTests {
    @Test func everyEntrysCredentialsAreRedacted() {
        let url = "nats://a:pw-one@h1:4222, nats://b:pw-two@h2:4222,tls://h3:4222"
        #expect(NATSServerList.redacted(url) == "nats://h1:4222, nats://h2:4222,tls://h3:4222")
        #expect(NATSConnectionKey(url: url).redactedURL == "nats://h1:4222, nats://h2:4222,tls://h3:4222")
        #expect(NATSServerList.servers(in: url) == ["nats://a:pw-one@h1:4222", "nats://b:pw-two@h2:4222", "tls://h3:4222"])
    }

    @Test(arguments: [
        ("nats://h1:4222,,nats://h2:4222", "server 2 of 3 in the list is empty"),
        ("nats://h1:4222,http://u:secret-pw@h2", "server 2 of 2 in the list must be a nats:// or tls:// URL, got 'http://h2'"),
        ("nats://u:secret-pw@h1:99999,nats://h2:4222", "server 1 of 2 in the list has an invalid port: 'nats://h1:99999'"),
        ("nats://h1:4222,nats://", "server 2 of 2 in the list has no host"),
    ])
    func aMalformedListIsNamedWithoutItsCredentials(url: String, expected: String) throws {
        let bus = EventBus.decode(try #require(try YAMLReader.documents(
            """
            metadata: {name: default}
            spec:
              jetstreamExotic: {url: "\(url)"}
            """).first))
        guard case .failure(let error) = bus else {
            Issue.record("accepted \(url)")
            return
        }
        #expect(error.problems.map(\.path) == ["spec.jetstreamExotic.url"])
        #expect(error.problems.first?.message.hasPrefix(expected) == true, "\(error.problems)")
        #expect(!"\(error)".contains("secret-pw"))
        #expect(SinkSpec.problem(withURI: url)?.contains("secret-pw") == false)
    }

    @Test func publishingGoesOnWithOneServerOfTheListDown() async throws {
        let nats = try await NatsServer()
        defer { nats.stop() }
        let down = try await NatsServer()
        let downURL = down.url
        down.stop()
        let list = "\(downURL),\(nats.url)"
        let outcome = await DedicatedThread.run {
            let sink = JetStreamSink(
                endpoint: JetStreamEndpoint(connection: NATSConnectionKey(url: list)), eventSourceName: "es", eventName: "e",
                registry: NATSConnectionRegistry())
            defer { sink.close() }
            return sink.deliver(batch: [CloudEvent(id: "one", source: "es", subject: "e", time: "2026-12-07T12:00:00Z", data: [:])])
        }
        #expect(outcome == [.delivered])
        let url = nats.url
        let reader = try await DedicatedThread.run { Result { try JetStreamTestReader(url: url) } }.get()
        #expect(await DedicatedThread.run { reader.messageCount() } == 1)
    }
}

/// Argo's `auth.yaml` as viper reads it, and Secret values with Argo's one trailing newline.
@Suite struct AuthFileAndSecretValueTests {
    @Test func keysInAnyCaseAndScalarsOfAnyTypeAreText() throws {
        let numeric = try NATSCredentials.parse(authYAML: Array("Username: argo\nPASSWORD: 12345\n".utf8))
        #expect(numeric.username == "argo")
        #expect(numeric.password.text == "12345")
        #expect(try NATSCredentials.parse(authYAML: Array("username: 42\npassword: 1.5".utf8)).username == "42")
        #expect(try NATSCredentials.parse(authYAML: Array("username: a\npassword: 1.5".utf8)).password.text == "1.5")
        #expect(try NATSCredentials.parse(authYAML: Array("username: a\npassword: true".utf8)).password.text == "1")
        #expect(try NATSCredentials.parse(authYAML: Array("username: a\npassword: \"007\"".utf8)).password.text == "007")
    }

    @Test func anAuthFileWithoutAPasswordNamesTheField() {
        #expect(throws: NATSCredentialsError("the EventBus credentials have no password")) {
            try NATSCredentials.parse(authYAML: Array("username: argo\n".utf8))
        }
        #expect(throws: NATSCredentialsError("the EventBus credentials have no password")) {
            try NATSCredentials.parse(authYAML: Array("username: argo\npassword:\n".utf8))
        }
    }

    @Test func exactlyOneTrailingNewlineIsDropped() throws {
        let selector = SecretKeySelector(name: "s", key: "k")
        #expect(try SecretReads.argoValue(Array("pw\n".utf8), of: selector).text == "pw")
        #expect(try SecretReads.argoValue(Array("pw\n\n".utf8), of: selector).text == "pw\n")
        #expect(try SecretReads.argoValue(Array("pw\r\n".utf8), of: selector).text == "pw\r")
        #expect(try SecretReads.argoValue(Array("pw".utf8), of: selector).text == "pw")
        #expect(try SecretReads.argoValue([], of: selector).text == "")
        #expect(throws: SecretError(selector: selector, reason: "holds only a newline; the value is empty")) {
            try SecretReads.argoValue(Array("\n".utf8), of: selector)
        }
    }
}
