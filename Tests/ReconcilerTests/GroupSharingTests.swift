import AdapterModel
import EventSourceAPI
import Reconciler
import Testing

@Suite struct GroupSharingTests {
    private func entry(_ name: String, _ event: String, streams: [String], group: String = "cg", db: Int = 0)
        -> AdapterConfiguration
    {
        AdapterConfiguration(
            namespace: "ns", eventSourceName: name, eventName: event,
            source: RedisStreamEntry(
                hostAddress: HostAddress(host: "127.0.0.1", port: 6379), db: db, streams: streams, consumerGroup: group),
            sink: SinkSpec(uri: "stdout"), consumerName: "pod:ns/\(name)/\(event)")
    }

    @Test func entriesOnOneStreamAndGroupAreBothNamedAcrossEventSources() {
        let notes = GroupSharing.notes([
            entry("a", "x", streams: ["FOO", "BAR"]), entry("b", "y", streams: ["FOO"]), entry("c", "z", streams: ["BAZ"]),
        ])
        #expect(notes.count == 2)
        #expect(notes[AdapterKey(namespace: "ns", name: "a", eventName: "x")]?.contains("FOO is also read by ns/b/y") == true)
        #expect(notes[AdapterKey(namespace: "ns", name: "b", eventName: "y")]?.contains("FOO is also read by ns/a/x") == true)
    }

    @Test func anotherGroupOrDatabaseIsNotSharing() {
        let notes = GroupSharing.notes([
            entry("a", "x", streams: ["FOO"]), entry("a", "y", streams: ["FOO"], group: "other"),
            entry("b", "x", streams: ["FOO"], db: 1),
        ])
        #expect(notes.isEmpty)
    }

    @Test func twoEntriesOfOneEventSourceShareToo() {
        let notes = GroupSharing.notes([entry("a", "x", streams: ["FOO"]), entry("a", "y", streams: ["FOO"])])
        #expect(notes[AdapterKey(namespace: "ns", name: "a", eventName: "y")]?.contains("ns/a/x") == true)
    }
}
