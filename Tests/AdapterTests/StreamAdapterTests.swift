import Adapter
import StructuredData
import Testing
import TestSupport

@Suite struct StreamAdapterTests {
    @Test func forwardsNewEntriesAndAcknowledgesThem() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            let id = try await fixture.client.xadd("FOO", [("message", "hello")])
            try await waitUntil("the event") { sink.events.count == 1 }
            let event = try #require(sink.events.first)
            #expect(event.data == ["stream": "FOO", "message_id": .string(id), "values": ["message": "hello"]])
            #expect(event.source == "redis-stream")
            #expect(event.subject == "example")
            #expect(event.type == "redisStream")
            try await waitUntil("the ack") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            #expect(adapter.status.snapshot.forwarded == 1)
        }
    }

    @Test func createsMissingStreamsAtOnceAndStartsExistingOnesAtTheNewestEntry() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            _ = try await fixture.client.xadd("A", [("before", "group")])
            let adapter = fixture.startAdapter(fixture.configuration(streams: ["A", "B"]), sink: sink)
            // B is created with its group (MKSTREAM): nothing waits for it.
            try await fixture.waitForPhase(adapter, .consuming)
            #expect(try await fixture.client.command("TYPE", "B").string == "stream")
            // Entries older than the group are not replayed, as Argo's source does on first setup.
            _ = try await fixture.client.xadd("B", [("after", "group")])
            _ = try await fixture.client.xadd("A", [("after", "group")])
            try await waitUntil("both new entries") { sink.events.count == 2 }
            let keys = sink.events.compactMap { $0.data["values"]?.objectValue?.keys.first }
            #expect(keys == ["after", "after"])
            #expect(Set(sink.events.compactMap { $0.data["stream"]?.stringValue }) == ["A", "B"])
        }
    }

    @Test func replaysItsOwnPendingEntriesFirstAfterACrash() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            var ids: [String] = []
            for index in 0..<3 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            // A consumer of this name read the entries and died before acknowledging them.
            try await fixture.client.command("XREADGROUP", "GROUP", "argo-events-cg", "crashed", "COUNT", "10", "STREAMS", "FOO", ">")
            #expect(try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 3)
            _ = fixture.startAdapter(fixture.configuration(consumer: "crashed", count: 2), sink: sink)
            try await waitUntil("the replayed entries") { sink.events.count == 3 }
            #expect(sink.messageIDs() == ids)
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }

    @Test func recoversFromNoGroupWhenTheStreamIsRecreated() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            _ = try await fixture.client.xadd("FOO", [("old", "1")])
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            try await fixture.client.command("DEL", "FOO")
            let recreated = try await fixture.client.xadd("FOO", [("new", "1")])
            try await waitUntil("the entry of the re-created stream") { sink.messageIDs().contains(recreated) }
            let group = try await fixture.client.command("XINFO", "GROUPS", "FOO")
            #expect(group.array?.count == 1)
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
        }
    }

    @Test func survivesRedisRestartingMidStreamWithoutLossOrBusyLoop() async throws {
        try await AdapterFixture.with(persistent: true) { fixture in
            let sink = RecordingSink()
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            var ids: [String] = []
            for index in 0..<20 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await fixture.redis.kill()
            await fixture.client.close()
            let attemptsBefore = adapter.status.snapshot.connectAttempts
            // Redis stays down for five failed reconnects, counted, not timed.
            try await waitUntil("five reconnects failing", timeout: .seconds(60)) {
                adapter.status.snapshot.connectAttempts >= attemptsBefore + 5
            }
            // Each attempt waits out a backoff (100 ms doubling, at worst halved by jitter), so when the
            // fifth is seen only a few more can have followed; a busy loop would be thousands past it.
            #expect(adapter.status.snapshot.connectAttempts - attemptsBefore <= 12)
            #expect(adapter.status.snapshot.phase == .connecting)
            #expect(adapter.status.snapshot.lastError?.contains("connect") == true)
            try await fixture.redis.restart()
            for index in 20..<40 { ids.append(try await fixture.client.xadd("FOO", [("n", "\(index)")])) }
            try await waitUntil("all 40 entries", timeout: .seconds(40)) { Set(sink.messageIDs()).isSuperset(of: ids) }
            try await waitUntil("an empty PEL") { try await fixture.client.pendingCount("FOO", group: "argo-events-cg") == 0 }
            #expect(adapter.status.snapshot.connectAttempts < attemptsBefore + 30)
        }
    }

    @Test func aWrongPasswordIsReportedRetriedAndNeverShown() async throws {
        try await AdapterFixture.with(redisArguments: ["--requirepass", "right-secret"]) { fixture in
            let sink = RecordingSink()
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let wrong = fixture.startAdapter(fixture.configuration(password: "wrong-secret"), sink: sink)
            try await waitUntil("an authentication error") {
                wrong.status.snapshot.lastError?.contains("authentication failed") == true
            }
            let status = wrong.status.snapshot
            #expect(status.phase == .connecting)
            #expect(status.lastError?.contains("wrong-secret") == false)
            #expect(status.lastError?.contains("WRONGPASS") == true)
            try await waitUntil("a few retries") { wrong.status.snapshot.connectAttempts >= 3 }

            let right = fixture.startAdapter(fixture.configuration(consumer: "other", password: "right-secret"), sink: sink)
            try await fixture.waitForPhase(right, .consuming)
            _ = try await fixture.client.xadd("FOO", [("k", "v")])
            try await waitUntil("the event") { sink.events.count == 1 }
        }
    }

    @Test func anUnreachableRedisKeepsTheAdapterConnecting() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            var configuration = fixture.configuration()
            let closed = try ReservedPort()
            defer { closed.close() }
            configuration.source.hostAddress?.port = closed.port
            let adapter = fixture.startAdapter(configuration, sink: sink)
            try await waitUntil("two attempts") { adapter.status.snapshot.connectAttempts >= 2 }
            #expect(adapter.status.snapshot.phase == .connecting)
            #expect(adapter.status.snapshot.lastError?.contains("Connection refused") == true)
        }
    }

    @Test func anErrorReplyIsRetriedUntilTheKeyIsFixed() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            try await fixture.client.command("SET", "FOO", "not a stream")
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await waitUntil("the WRONGTYPE error") { adapter.status.snapshot.lastError?.contains("WRONGTYPE") == true }
            #expect(adapter.status.snapshot.phase == .waitingForStreams)
            try await fixture.client.command("DEL", "FOO")
            // The adapter creates the stream and its group itself once the key is free.
            try await fixture.waitForPhase(adapter, .consuming)
            #expect(adapter.status.snapshot.lastError == nil)
            _ = try await fixture.client.xadd("FOO", [("k", "v")])
            try await waitUntil("the event") { sink.events.count == 1 }
        }
    }

    @Test func reportsPendingAndLagPerStream() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            try await fixture.client.command("XGROUP", "CREATE", "FOO", "argo-events-cg", "$", "MKSTREAM")
            let adapter = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            _ = try await fixture.client.xadd("FOO", [("k", "v")])
            try await waitUntil("stats after the delivery") {
                let status = adapter.status.snapshot
                return status.pending["FOO"] == 0 && status.lag["FOO"] == .some(0) && status.forwarded == 1
            }
            #expect(adapter.status.snapshot.lastEventTime != nil)
        }
    }
}
