import Adapter
import EventSourceAPI
import StructuredData
import Testing
import TestSupport

/// Issue 13's reproduction: a filter whose regular expression backtracks exponentially used to
/// pin a core for ever. Now the match hits PCRE2's limit, the entry is a filter error (counted,
/// acknowledged as Argo acknowledges filter errors), and the adapter goes on with later entries.
@Suite struct HostileFilterTests {
    @Test func aCatastrophicRegexIsAFilterErrorAndTheAdapterMovesOn() async throws {
        try await withReceiver { receiver in
            try await AdapterFixture.with { fixture in
                try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
                var configuration = fixture.configuration(sink: SinkSpec(uri: receiver.url(path: "/events"), mode: .binary))
                configuration.source.filterExpression = #"values.x matches "^(a+)+$" || values.x == "pass""#
                let adapter = fixture.startAdapter(configuration)
                try await fixture.waitForPhase(adapter, .consuming)
                _ = try await fixture.client.xadd("FOO", [("x", String(repeating: "a", count: 22) + "!")])
                _ = try await fixture.client.xadd("FOO", [("x", String(repeating: "b", count: 30) + "!")])
                let passing = try await fixture.client.xadd("FOO", [("x", "pass")])
                let requests = try await receiver.waitForRequests(1)
                let delivered = requests.compactMap { try? JSONParser.parse($0.bodyText)["message_id"]?.stringValue }
                #expect(delivered == [passing])
                try await waitUntil("every entry handled") {
                    let status = adapter.status.snapshot
                    return status.forwarded + status.filtered + status.filterErrors == 3
                }
                #expect(adapter.status.snapshot.filterErrors == 1)
                try await waitUntil("an empty PEL") {
                    try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0
                }
            }
        }
    }
}
