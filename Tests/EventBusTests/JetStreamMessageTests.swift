import AdapterModel
import StructuredData
import Testing

@testable import Sinks

@Suite struct JetStreamMessageTests {
    private let event = CloudEvent(
        id: "0123456789abcdef0123456789abcdef", source: "redis-stream", subject: "example",
        time: "2026-11-26T11:00:00.123Z",
        data: ["stream": "FOO", "message_id": "1-0", "values": ["message": "hello <world> & \"you\""]])

    @Test func subjectIsDefaultEventSourceEvent() {
        #expect(JetStreamMessage.subject(eventSourceName: "redis-stream", eventName: "example") == "default.redis-stream.example")
    }

    @Test func bodyIsTheStructuredCloudEventInTheGoSDKOrder() throws {
        let text = String(decoding: JetStreamMessage.body(of: event), as: UTF8.self)
        #expect(
            text.hasPrefix(
                #"{"specversion":"1.0","id":"0123456789abcdef0123456789abcdef","source":"redis-stream","type":"redisStream","subject":"example","datacontenttype":"application/json","time":"2026-11-26T11:00:00.123Z","data":{"#
            ))
        let parsed = try JSONParser.parse(text)
        #expect(parsed["data"] == event.data)
        #expect(parsed.objectValue?.keys.count == 8)
    }

    @Test func endpointDisplayNameCarriesNoCredentials() {
        let endpoint = JetStreamEndpoint(
            connection: NATSConnectionKey(
                url: "nats://argo:pw@127.0.0.1:4222",
                credentials: NATSCredentials(username: "argo", password: SecretValue("s3cret"))),
            busName: "default")
        #expect(endpoint.displayName == "eventbus default (nats://127.0.0.1:4222)")
        #expect(!"\(endpoint)".contains("s3cret"))
    }

    @Test func authFileNeedsUsernameAndPassword() throws {
        let credentials = try NATSCredentials.parse(authYAML: Array("username: argo\npassword: pw\n".utf8))
        #expect(credentials.username == "argo")
        #expect(credentials.password.text == "pw")
        #expect(throws: NATSCredentialsError.self) { try NATSCredentials.parse(authYAML: Array("password: pw\n".utf8)) }
        #expect(throws: NATSCredentialsError.self) { try NATSCredentials.parse(authYAML: Array("username: argo\n".utf8)) }
        #expect(throws: NATSCredentialsError.self) { try NATSCredentials.parse(authYAML: Array("[".utf8)) }
    }
}

@Suite struct SinkDescriptionTests {
    @Test func urlsLoseTheirUserInfo() {
        #expect(NATSConnectionKey(url: "nats://u:p@127.0.0.1:4222").redactedURL == "nats://127.0.0.1:4222")
        #expect(NATSConnectionKey(url: "https://u:p@example.test/x@y").redactedURL == "https://example.test/x@y")
        #expect(NATSConnectionKey(url: "nats://127.0.0.1:4222").redactedURL == "nats://127.0.0.1:4222")
        #expect(NATSConnectionKey(url: "stdout").redactedURL == "stdout")
    }
}
