import Adapter
import AdapterModel
import EventSourceAPI
import Testing

@Suite struct AdapterConsumerNameTests {
    @Test func namesTheReplicaAndTheEntry() {
        #expect(AdapterConsumerName.make(replica: "pod-0", namespace: "ns", eventSource: "es", event: "ev") == "pod-0:ns/es/ev")
    }

    @Test func aLongNameIsCutWithADigestStableAndDistinct() {
        let long = String(repeating: "e", count: 300)
        let name = AdapterConsumerName.make(replica: "pod", namespace: "ns", eventSource: "es", event: long)
        #expect(name.utf8.count <= AdapterConsumerName.maximumBytes)
        #expect(name == AdapterConsumerName.make(replica: "pod", namespace: "ns", eventSource: "es", event: long))
        let other = AdapterConsumerName.make(replica: "pod", namespace: "ns", eventSource: "es", event: long + "x")
        #expect(other != name)
        #expect(other.utf8.count <= AdapterConsumerName.maximumBytes)
        let wide = AdapterConsumerName.make(replica: "pod", namespace: "ns", eventSource: "es", event: String(repeating: "é", count: 300))
        #expect(wide.utf8.count <= AdapterConsumerName.maximumBytes)
    }

    @Test func streamIDsCompareAsRedisOrdersThem() {
        #expect(StreamID("5-10")! > StreamID("5-9")!)
        #expect(StreamID("6")! > StreamID("5-99")!)
        #expect(StreamID("$") == nil)
        #expect(StreamID("1-") == nil)
        #expect(StreamID("99999999999999999999-0") == nil)
        #expect(GroupStart("$") == .newest)
        #expect(GroupStart("0") == .beginning)
        #expect(GroupStart("1700000000000-1")?.argument == "1700000000000-1")
        #expect(GroupStart("latest") == nil)
    }
}
