import EventSourceAPI
import Testing

/// The one sink URL check, used by the spec, the command line and the HTTP sink.
@Suite struct SinkURLValidationTests {
    @Test(arguments: ["stdout", "http://127.0.0.1:8080/events", "https://receiver.example/", "http://[::1]:80/", "nats://a:4222,nats://b:4222", "tls://bus:4222"])
    func acceptsEveryKindOfSink(uri: String) {
        #expect(SinkSpec.problem(withURI: uri) == nil)
    }

    @Test(arguments: [
        ("http://", "has no host"), ("ftp://x/", "must be stdout"), ("http://exa mple/", "has no host"),
        ("http://h:99999/", "invalid port"), ("http://h:/", "invalid port"), ("http://[::1/", "unterminated"),
    ])
    func refusesWithTheReason(uri: String, reason: String) throws {
        let problem = try #require(SinkSpec.problem(withURI: uri))
        #expect(problem.contains(reason))
    }

    @Test func anHTTPSinkNeedsAnHTTPURL() {
        #expect(SinkSpec.problem(withURI: "http://h/", expecting: .http) == nil)
        #expect(SinkSpec.problem(withURI: "stdout", expecting: .http)?.contains("not an http://") == true)
        #expect(SinkSpec.problem(withURI: "nats://h:4222", expecting: .http)?.contains("not an http://") == true)
        #expect(SinkSpec.problem(withURI: "stdout", expecting: .standardOutput) == nil)
    }
}
