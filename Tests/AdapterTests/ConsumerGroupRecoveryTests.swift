import Adapter
import EventSourceAPI
import Testing
import TestSupport

/// Groups that vanish, streams that come late or come back: against a real redis-server,
/// nothing already delivered is replayed and nothing written afterwards is skipped.
@Suite struct ConsumerGroupRecoveryTests {
    private let group = "argo-events-cg"

    private func add(_ fixture: AdapterFixture, _ stream: String, _ count: Int, tag: String) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count { ids.append(try await fixture.client.xadd(stream, [(tag, "\(index)")])) }
        return ids
    }

    @Test func aDestroyedGroupIsRecreatedWithoutReplayOrGap() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            let history = try await add(fixture, "FOO", 5, tag: "history")
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            let first = try await add(fixture, "FOO", 20, tag: "first")
            try await waitUntil("the first entries", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: first) }
            try await waitUntil("their acks", timeout: .seconds(60)) { try await fixture.client.pendingCount("FOO", group: group) == 0 }
            try await fixture.client.command("XGROUP", "DESTROY", "FOO", group)
            // Written while the group is gone, before the adapter can have re-created it.
            let during = try await add(fixture, "FOO", 10, tag: "during")
            try await waitUntil("the group back", timeout: .seconds(60)) {
                (try await fixture.client.command("XINFO", "GROUPS", "FOO")).array?.count == 1
            }
            let after = try await add(fixture, "FOO", 10, tag: "after")
            try await waitUntil("every entry after the destroy", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: during + after) }
            let delivered = sink.messageIDs()
            #expect(delivered.count == Set(delivered).count, "no entry delivered twice")
            #expect(Set(delivered).isDisjoint(with: history), "history before the group is not replayed")
            #expect(Set(delivered) == Set(first + during + after))
        }
    }

    @Test func aDestroyedGroupBeforeAnyAckIsRecreatedAtTheNewestEntryNotAtZero() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            let history = try await add(fixture, "FOO", 5, tag: "history")
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            try await fixture.client.command("XGROUP", "DESTROY", "FOO", group)
            try await waitUntil("the group back", timeout: .seconds(60)) {
                (try await fixture.client.command("XINFO", "GROUPS", "FOO")).array?.count == 1
            }
            let after = try await add(fixture, "FOO", 3, tag: "after")
            try await waitUntil("the new entries", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: after) }
            #expect(Set(sink.messageIDs()).isDisjoint(with: history))
        }
    }

    @Test func aStreamDeletedAndRecreatedHasItsNewEntriesDelivered() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            let before = try await add(fixture, "FOO", 5, tag: "before")
            try await waitUntil("the first entries", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: before) }
            try await fixture.client.command("DEL", "FOO")
            let recreated = try await add(fixture, "FOO", 20, tag: "recreated")
            try await waitUntil("every entry of the re-created stream", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: recreated) }
            try await waitUntil("an empty PEL", timeout: .seconds(60)) { try await fixture.client.pendingCount("FOO", group: group) == 0 }
        }
    }

    @Test func anAdapterStartedBeforeItsStreamExistsDeliversTheFirstXADD() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            // MKSTREAM: the stream and its group exist as soon as the adapter started.
            try await fixture.waitForPhase(adapter, .consuming)
            #expect(try await fixture.client.command("TYPE", "FOO").string == "stream")
            let first = try await fixture.client.xadd("FOO", [("first", "1")])
            try await waitUntil("the first entry", timeout: .seconds(60)) { sink.messageIDs() == [first] }
        }
    }

    @Test func aStreamMissingForAWhileHoldsUpNothingWrittenToTheOther() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            // B cannot be created while its key holds a string: it is "missing" to the adapter.
            try await fixture.client.command("SET", "B", "not yet a stream")
            let adapter = fixture.startAdapter(fixture.configuration(streams: ["A", "B"]), sink: sink)
            try await fixture.waitForPhase(adapter, .waitingForStreams)
            #expect(adapter.status.snapshot.missingStreams == ["B"])
            let written = try await add(fixture, "A", 200, tag: "a")
            try await waitUntil("every entry of A while B is missing", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: written) }
            try await fixture.client.command("DEL", "B")
            let onB = try await add(fixture, "B", 20, tag: "b")
            try await fixture.waitForPhase(adapter, .consuming)
            try await waitUntil("every entry of B", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: onB) }
            #expect(sink.messageIDs().count == 220)
        }
    }

    @Test func withoutCreatingStreamsTheGroupIsCreatedWhenTheStreamAppearsAndLosesNothing() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            var configuration = fixture.configuration(streams: ["A", "B"])
            configuration.source.createStreams = false
            let adapter = fixture.startAdapter(configuration, sink: sink)
            try await fixture.waitForPhase(adapter, .waitingForStreams)
            #expect(adapter.status.snapshot.missingStreams == ["A", "B"])
            #expect(try await fixture.client.command("EXISTS", "A").integer == 0, "no key was created")
            // A appears; entries written before the adapter notices are still delivered (group at 0).
            let onA = try await add(fixture, "A", 30, tag: "a")
            try await waitUntil("every entry of A, B still missing", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: onA) }
            #expect(adapter.status.snapshot.missingStreams == ["B"])
            let onB = try await add(fixture, "B", 30, tag: "b")
            try await fixture.waitForPhase(adapter, .consuming)
            try await waitUntil("every entry of B", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: onB) }
            #expect(sink.messageIDs().count == 60)
        }
    }

    @Test func aKeyTurnedIntoAStringAndBackHasEveryLaterEntryDelivered() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            let before = try await add(fixture, "FOO", 5, tag: "before")
            try await waitUntil("the first entries", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: before) }
            try await fixture.client.command("DEL", "FOO")
            try await fixture.client.command("SET", "FOO", "a string now")
            try await waitUntil("the adapter noticing", timeout: .seconds(60)) { adapter.status.snapshot.missingStreams == ["FOO"] }
            try await fixture.client.command("DEL", "FOO")
            let after = try await add(fixture, "FOO", 300, tag: "after")
            try await waitUntil("every entry written after it came back", timeout: .seconds(60)) { Set(sink.messageIDs()).isSuperset(of: after) }
            try await fixture.waitForPhase(adapter, .consuming)
        }
    }

    @Test func startFromZeroReadsAnExistingStreamFromItsFirstEntry() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            let history = try await add(fixture, "FOO", 4, tag: "history")
            var configuration = fixture.configuration()
            configuration.source.startFrom = .beginning
            _ = fixture.startAdapter(configuration, sink: sink)
            try await waitUntil("the history", timeout: .seconds(60)) { sink.messageIDs() == history }
        }
    }
}
