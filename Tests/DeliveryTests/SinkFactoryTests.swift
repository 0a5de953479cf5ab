import Adapter
import EventSourceAPI
import Sinks
import Testing
import TestSupport

@Suite struct SinkFactoryTests {
    @Test func stdoutMakesTheStandardOutputSink() {
        let sink = SinkFactory.makeSink(spec: SinkSpec(uri: "stdout"), runtime: .forTests)
        #expect(sink is StandardOutputSink)
    }

    @Test func aURLMakesAnHTTPSinkWithTheSpecsModeAndCAFile() throws {
        let sink = SinkFactory.makeSink(
            spec: SinkSpec(uri: "https://events.example/in", mode: .structured), caFile: "/etc/ca.pem", runtime: .forTests)
        let http = try #require(sink as? HTTPSink)
        #expect(http.url == "https://events.example/in")
        #expect(http.mode == .structured)
        #expect(http.options.caFile == "/etc/ca.pem")
        #expect(http.options.connectTimeout == .seconds(5))
        #expect(http.options.requestTimeout == .seconds(30))
        sink.close()
    }

    @Test func theFactorysSinkDeliversToAReceiver() async throws {
        try await withReceiver { receiver in
            let spec = SinkSpec(uri: receiver.url, mode: .binary)
            let outcome = await DedicatedThread.run {
                let sink = SinkFactory.makeSink(spec: spec, runtime: .forTests)
                defer { sink.close() }
                return sink.deliver(sampleEvent)
            }
            #expect(outcome == .delivered)
            let requests = try await receiver.waitForRequests(1)
            #expect(requests[0].header("ce-id") == sampleEvent.id)
        }
    }
}
