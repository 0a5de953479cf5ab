import Testing
import StructuredData
@testable import Adapter

@Suite struct EventBuilderTests {
    private let builder = EventBuilder(namespace: "argo-events", eventSourceName: "redis-stream", eventName: "example", metadata: [:])

    private func entry(_ id: String, _ fields: [(String, String)]) -> StreamEntry {
        StreamEntry(stream: "FOO", id: id, fields: fields.map { (Array($0.0.utf8), Array($0.1.utf8)) })
    }

    @Test func buildsTheSeedsEventShapeByteForByte() {
        let event = builder.event(for: entry("1647495121754-0", [("key-1", "val-1"), ("key-2", "val-2")]))
        let id = builder.eventID(stream: "FOO", messageID: "1647495121754-0")
        let expected = #"{"context":{"id":"\#(id)","source":"redis-stream","specversion":"1.0","type":"redisStream","#
            + #""datacontenttype":"application/json","subject":"example","time":"2022-03-17T05:32:01.754Z"},"#
            + #""data":{"stream":"FOO","message_id":"1647495121754-0","values":{"key-1":"val-1","key-2":"val-2"}}}"#
        #expect(JSONWriter.string(event.argoEnvelope) == expected)
    }

    @Test func addsMetadataOnlyWhenConfigured() {
        let withMetadata = EventBuilder(
            namespace: "ns", eventSourceName: "es", eventName: "e", metadata: ["b": "2", "a": "1"])
        let event = withMetadata.event(for: entry("1-0", [("k", "v")]))
        #expect(JSONWriter.string(event.data) == #"{"stream":"FOO","message_id":"1-0","values":{"k":"v"},"metadata":{"a":"1","b":"2"}}"#)
        #expect(builder.event(for: entry("1-0", [])).data["metadata"] == nil)
    }

    @Test func theIDIsThirtyTwoHexCharactersAndDependsOnlyOnTheEntrysOrigin() {
        let id = builder.eventID(stream: "FOO", messageID: "1-0")
        #expect(id.count == 32)
        #expect(id.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(id == builder.eventID(stream: "FOO", messageID: "1-0"))
        #expect(id != builder.eventID(stream: "FOO", messageID: "1-1"))
        #expect(id != builder.eventID(stream: "BAR", messageID: "1-0"))
        let otherNamespace = EventBuilder(namespace: "other", eventSourceName: "redis-stream", eventName: "example", metadata: [:])
        #expect(id != otherNamespace.eventID(stream: "FOO", messageID: "1-0"))
        let otherEvent = EventBuilder(namespace: "argo-events", eventSourceName: "redis-stream", eventName: "other", metadata: [:])
        #expect(id != otherEvent.eventID(stream: "FOO", messageID: "1-0"))
    }

    @Test func invalidUTF8BecomesTheReplacementCharacterAndNulIsEscaped() {
        let raw = StreamEntry(stream: "FOO", id: "1-0", fields: [(Array("bin".utf8), [0x61, 0xFF, 0xFE, 0x00, 0x62])])
        let event = builder.event(for: raw)
        let json = JSONWriter.string(event.data)
        #expect(json.contains(#""bin":"a\#u{FFFD}\#u{FFFD}\u0000b""#))
        #expect(throws: Never.self) { try JSONParser.parse(json) }
    }

    @Test func formatsRFC3339InUTC() {
        #expect(EventBuilder.rfc3339(milliseconds: 0) == "1970-01-01T00:00:00.000Z")
        #expect(EventBuilder.rfc3339(milliseconds: 951_782_400_999) == "2000-02-29T00:00:00.999Z")
        #expect(EventBuilder.rfc3339(milliseconds: 1_647_495_121_754) == "2022-03-17T05:32:01.754Z")
        #expect(EventBuilder.rfc3339(milliseconds: 4_102_444_799_000) == "2099-12-31T23:59:59.000Z")
        #expect(EventBuilder.rfc3339(milliseconds: 1_796_651_384_123) == "2026-12-07T13:49:44.123Z")
        #expect(EventBuilder.rfc3339(milliseconds: 1_796_651_384_007) == "2026-12-07T13:49:44.007Z")
        #expect(EventBuilder.rfc3339(milliseconds: -1) == "1969-12-31T23:59:59.999Z")
        #expect(EventBuilder.rfc3339(milliseconds: 253_402_300_800_001) == "10000-01-01T00:00:00.001Z")
    }
}

@Suite struct EnvelopeWriterTests {
    @Test func theFastEnvelopeWriterMatchesTheGeneralOne() {
        let builder = EventBuilder(namespace: "ns", eventSourceName: "es \"quoted\"", eventName: "e\n", metadata: ["m": "1"])
        let entry = StreamEntry(stream: "S", id: "1-0", fields: [(Array("k".utf8), [0x61, 0x00, 0xFF, 0x22])])
        let event = builder.event(for: entry)
        var fast: [UInt8] = []
        event.writeArgoEnvelope(into: &fast)
        #expect(fast == JSONWriter.bytes(event.argoEnvelope))
    }
}
