import Testing
import StructuredData
import Sinks
@testable import Adapter

/// The byte path must write exactly what the `JSONObject` path (the reference) writes, including
/// for the entries that make a `JSONObject` merge names.
@Suite struct EventDataEncoderTests {
    private static func entry(_ fields: [([UInt8], [UInt8])]?) -> StreamEntry {
        StreamEntry(stream: "S \"q\"", id: "1700000000000-7", fields: fields?.map { (name: $0.0, value: $0.1) })
    }

    private static func text(_ pairs: [(String, String)]) -> [([UInt8], [UInt8])] {
        pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }
    }

    private static let cases: [(String, [([UInt8], [UInt8])]?)] = [
        ("no fields", []),
        ("trimmed entry", nil),
        ("plain", text([("user", "u1"), ("action", "view"), ("n", "3")])),
        ("escapes", text([("q\"\\", "line\nnext\t\r\u{8}\u{C}\u{1F}"), ("", "")])),
        ("repeated name", text([("a", "1"), ("b", "2"), ("a", "3")])),
        ("canonically equal names", text([("caf\u{E9}", "composed"), ("cafe\u{301}", "decomposed")])),
        ("one non-ASCII name", text([("caf\u{E9}", "ünïcode ✓")])),
        ("invalid UTF-8", [([0xFF, 0x61], [0x61, 0xFF, 0xFE, 0x00, 0x62]), (Array("k".utf8), [0xC3])]),
        ("many distinct names", (0..<40).map { (Array("f\($0)".utf8), Array("v\($0)".utf8)) }),
        ("many names, one repeated", (0..<40).map { (Array("f\($0 % 39)".utf8), Array("v\($0)".utf8)) }),
    ]

    @Test(arguments: [[:], ["b": "2", "a": "1 \"x\""]] as [[String: String]])
    func writesWhatTheJSONObjectPathWrites(metadata: [String: String]) {
        let encoder = EventDataEncoder(metadata: metadata)
        for (name, fields) in Self.cases {
            let entry = Self.entry(fields)
            #expect(encoder.encode(entry) == JSONWriter.bytes(encoder.general(entry)), "\(name)")
        }
    }

    @Test func theEventsDataReadsBackAsTheSameValue() {
        let builder = EventBuilder(namespace: "ns", eventSourceName: "es", eventName: "e", metadata: ["m": "1"])
        for (name, fields) in Self.cases {
            let entry = Self.entry(fields)
            let event = builder.event(for: entry)
            #expect(event.data == EventDataEncoder(metadata: ["m": "1"]).general(entry), "\(name)")
            var written: [UInt8] = []
            event.writeData(into: &written)
            #expect(written == JSONWriter.bytes(event.data), "\(name)")
        }
    }
}

@Suite struct StructuredFormatWriterTests {
    @Test func theFastStructuredWriterMatchesTheGeneralOne() {
        let builder = EventBuilder(namespace: "ns", eventSourceName: "es \"quoted\"", eventName: "e\n", metadata: ["m": "1"])
        let entry = StreamEntry(stream: "S", id: "1-0", fields: [(Array("k".utf8), [0x61, 0x00, 0xFF, 0x22])])
        for event in [builder.event(for: entry), CloudEvent(id: "i", source: "s", subject: "e", time: "t", data: ["k": "v"])] {
            var fast: [UInt8] = []
            event.writeStructuredFormat(into: &fast)
            #expect(fast == JSONWriter.bytes(event.structuredFormat))
        }
    }
}
