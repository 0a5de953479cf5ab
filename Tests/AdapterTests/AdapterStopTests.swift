import Adapter
import Dispatch
import Sinks
import Synchronization
import EventSourceAPI
import Testing
import TestSupport

/// An adapter stops promptly whatever it is doing, and a fault of one entry leaves the others running.
@Suite struct AdapterStopTests {
    private func clientCount(_ fixture: AdapterFixture) async throws -> Int {
        let list = try await fixture.client.command("CLIENT", "LIST").string ?? ""
        return list.split(separator: "\n").count
    }

    @Test func aStopEndsABlockedReadAtOnceAndClosesTheConnection() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            // A minute-long BLOCK: only an interrupted read lets the stop finish within the deadline.
            var configuration = fixture.configuration(blockTime: .seconds(60))
            configuration.source.claimMinIdleSeconds = 3600
            let adapter = fixture.startAdapter(configuration, sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            try await waitUntil("the adapter blocked in XREADGROUP") {
                (try await fixture.client.command("CLIENT", "LIST").string ?? "").contains("cmd=xreadgroup")
            }
            adapter.requestStop()
            try await waitUntil("the adapter stopped", timeout: .seconds(20)) { adapter.isFinished }
            #expect(adapter.status.snapshot.phase == .stopped)
            try await waitUntil("only the test's own connection left", timeout: .seconds(20)) {
                try await clientCount(fixture) == 1
            }
        }
    }

    @Test func anEntryWhoseFilterCannotRunIsFailedWithTheReasonAndTheOthersKeepRunning() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            var broken = fixture.configuration()
            broken.eventName = "broken"
            broken.consumerName = "broken"
            broken.source.filterExpression = "values.x == ("
            let failed = fixture.startAdapter(broken, sink: sink)
            let healthy = fixture.startAdapter(fixture.configuration(), sink: sink)
            try await fixture.waitForPhase(failed, .failed)
            #expect(failed.status.snapshot.lastError?.contains("filter") == true)
            try await fixture.waitForPhase(healthy, .consuming)
            let id = try await fixture.client.xadd("FOO", [("x", "1")])
            try await waitUntil("the healthy entry delivering") { sink.messageIDs() == [id] }
            #expect(failed.status.snapshot.phase == .failed)
        }
    }

    @Test func extremeClaimIdleTimesNeitherCrashNorStopReclaiming() async throws {
        try await AdapterFixture.with { fixture in
            let sink = RecordingSink()
            var configuration = fixture.configuration()
            configuration.source.claimMinIdleSeconds = Int.max
            let adapter = fixture.startAdapter(configuration, sink: sink)
            try await fixture.waitForPhase(adapter, .consuming)
            let id = try await fixture.client.xadd("FOO", [("k", "v")])
            try await waitUntil("the event") { sink.messageIDs() == [id] }
            #expect(adapter.status.snapshot.phase == .consuming)
        }
    }
}

/// A sink that holds every delivery until the test lets it go, as a hung receiver would: its
/// non-blocking `submit` never answers until then, so the adapter stays stuck awaiting it.
private final class HangingSink: SynchronousEventSink, Sendable {
    private let released = DispatchSemaphore(value: 0)
    private let entered = Mutex(false)

    var isHanging: Bool { entered.withLock { $0 } }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        entered.withLock { $0 = true }
        released.wait()
        released.signal()
        return .delivered
    }

    func submit(batch events: [CloudEvent], completion: @escaping @Sendable ([DeliveryOutcome?]) -> Void) {
        DispatchQueue.global().async { [self] in completion(deliver(batch: events)) }
    }

    func release() { released.signal() }
    func close() {}
}

extension AdapterStopTests {
    @Test func aFinalStopCutsTheRedisConnectionOfAnAdapterStuckInItsSink() async throws {
        try await AdapterFixture.with { fixture in
            let sink = HangingSink()
            let adapter = fixture.startAdapter(fixture.configuration()) { _ in sink }
            try await fixture.waitForPhase(adapter, .consuming)
            let id = try await fixture.client.xadd("FOO", [("k", "v")])
            try await waitUntil("the delivery hanging") { sink.isHanging }
            adapter.requestFinalStop(grace: .milliseconds(200))
            try await waitUntil("the adapter's connection gone while its sink still hangs") {
                let list = try await fixture.client.command("CLIENT", "LIST").string ?? ""
                return list.split(separator: "\n").count == 1
            }
            #expect(!adapter.isFinished)
            sink.release()
            try await waitUntil("the adapter finished") { adapter.isFinished }
            // Its ack could not be sent: the entry stays pending under its consumer, never lost.
            let pending = try await fixture.client.command("XPENDING", "FOO", "argo-events-cg", "-", "+", "10")
            #expect(pending.array?.first?.array?.first?.string == id)
        }
    }
}
