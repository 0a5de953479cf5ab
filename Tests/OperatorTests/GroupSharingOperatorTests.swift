import Foundation
import StructuredData
import Testing
import TestSupport

/// Two EventSources reading one stream through one group: Redis splits the entries between
/// them, as in Argo, but here both are told so, in their status and by a Warning Event.
@Suite struct GroupSharingOperatorTests {
    @Test func twoEventSourcesOnOneStreamAndGroupAreBothWarnedAndEveryEntryIsDeliveredOnce() async throws {
        try await OperatorFixture.with { fixture in
            try fixture.startController()
            try await fixture.apply(fixture.eventSourceYAML(name: "left", entries: [("example", ["FOO"])]))
            try await fixture.apply(fixture.eventSourceYAML(name: "right", entries: [("example", ["FOO"])]))
            try await fixture.waitForReady("left")
            try await fixture.waitForReady("right")
            for (name, other) in [("left", "right"), ("right", "left")] {
                try await waitUntil("\(name) warned about \(other)", timeout: .seconds(60)) {
                    let note = try await fixture.eventSource(name)?["status"]?["sources"]?["example"]?["groupShared"]?.stringValue
                    return note?.contains("default/\(other)/example") == true
                }
                try await waitUntil("a ConsumerGroupShared Event about \(name)", timeout: .seconds(60)) {
                    try await fixture.eventReasons(about: name).contains("ConsumerGroupShared")
                }
            }
            var ids: [String] = []
            for index in 0..<60 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await waitUntil("every entry delivered", timeout: .seconds(60)) { Set(await fixture.deliveredIDs()) == Set(ids) }
            try await waitUntil("an empty PEL", timeout: .seconds(60)) { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            let delivered = await fixture.deliveredIDs()
            #expect(delivered.count == ids.count, "each entry once in total")
            // Two consumers of the one group, one per entry.
            let consumers = try await fixture.client.command("XINFO", "CONSUMERS", "FOO", "argo-events-cg").array ?? []
            #expect(consumers.count == 2)
        }
    }
}
