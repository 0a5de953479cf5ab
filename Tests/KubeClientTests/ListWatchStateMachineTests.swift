import KubeClient
import StructuredData
import Testing

/// One test per transition of the list-watch protocol, driven by hand: no server needed.
@Suite struct ListWatchStateMachineTests {
    private func machine() -> ListWatchStateMachine {
        ListWatchStateMachine(backoff: Backoff(initial: .milliseconds(800), maximum: .seconds(30), factor: 2, jitter: 0))
    }

    private func object(_ name: String, _ version: String) -> JSONValue {
        ["kind": "ConfigMap", "metadata": ["name": .string(name), "resourceVersion": .string(version)]]
    }

    private func line(_ type: String, _ object: JSONValue) -> [UInt8] {
        JSONWriter.bytes(["type": .string(type), "object": object]) + [UInt8(ascii: "\n")]
    }

    private let expiredStatus: JSONValue = [
        "kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Expired", "code": 410,
        "message": "too old resource version: 1 (5)",
    ]

    /// Machine after the list: watching from version 10, with objects a and b.
    private func watching() -> ListWatchStateMachine {
        var machine = machine()
        _ = machine.start()
        _ = machine.listPageReceived(items: [object("a", "9"), object("b", "10")], resourceVersion: "10", continueToken: nil)
        return machine
    }

    @Test func startsWithAFullList() {
        var machine = machine()
        #expect(machine.start() == .init(request: .list(continueToken: nil), delay: .zero))
        #expect(machine.phase == .listing)
    }

    @Test func followsContinueTokensThenReplacesAllAndWatchesFromTheListVersion() {
        var machine = machine()
        _ = machine.start()
        let first = machine.listPageReceived(items: [object("a", "3")], resourceVersion: "7", continueToken: "page2")
        #expect(first.updates.isEmpty)
        #expect(first.next == .init(request: .list(continueToken: "page2"), delay: .zero))
        let last = machine.listPageReceived(items: [object("b", "5")], resourceVersion: "7", continueToken: nil)
        #expect(last.updates == [.replaceAll([object("a", "3"), object("b", "5")], resourceVersion: "7")])
        #expect(last.next == .init(request: .watch(resourceVersion: "7"), delay: .zero))
        #expect(machine.phase == .watching)
    }

    @Test func failedListIsRetriedFromTheFirstPageAfterBackoff() {
        var machine = machine()
        _ = machine.start()
        _ = machine.listPageReceived(items: [object("a", "3")], resourceVersion: "7", continueToken: "page2")
        let failed = machine.listFailed(.server(KubeStatus(code: 500, reason: "InternalError", message: "boom")))
        #expect(failed.next == .init(request: .list(continueToken: nil), delay: .milliseconds(800)))
        let again = machine.listFailed(.transport("connection refused"))
        #expect(again.next == .init(request: .list(continueToken: nil), delay: .milliseconds(1600)))
        // The page from before the failure must not leak into the new list.
        let done = machine.listPageReceived(items: [object("b", "8")], resourceVersion: "8", continueToken: nil)
        #expect(done.updates == [.replaceAll([object("b", "8")], resourceVersion: "8")])
    }

    @Test func expiredContinueTokenRelistsAtOnce() {
        var machine = machine()
        _ = machine.start()
        _ = machine.listPageReceived(items: [object("a", "3")], resourceVersion: "7", continueToken: "page2")
        let reaction = machine.listFailed(.gone(KubeStatus(code: 410, reason: "Expired", message: "continue too old")))
        #expect(reaction.next == .init(request: .list(continueToken: nil), delay: .zero))
    }

    @Test func changesBecomeUpdatesAndAdvanceTheVersion() {
        var machine = watching()
        var bytes = line("ADDED", object("c", "11"))
        bytes += line("MODIFIED", object("a", "12"))
        bytes += line("DELETED", object("b", "13"))
        let reaction = machine.watchReceived(bytes)
        #expect(reaction.updates == [.added(object("c", "11")), .modified(object("a", "12")), .deleted(object("b", "13"))])
        #expect(reaction.next == nil)
        #expect(machine.resourceVersion == "13")
    }

    @Test func bookmarkOnlyAdvancesTheVersion() {
        var machine = watching()
        let bookmark: JSONValue = ["kind": "ConfigMap", "metadata": ["resourceVersion": "42"]]
        let reaction = machine.watchReceived(line("BOOKMARK", bookmark))
        #expect(reaction.updates.isEmpty)
        #expect(reaction.next == nil)
        #expect(machine.resourceVersion == "42")
        #expect(machine.watchEnded().next == .init(request: .watch(resourceVersion: "42"), delay: .zero))
    }

    @Test func lineSplitAcrossChunksIsReassembled() {
        var machine = watching()
        let bytes = line("ADDED", object("c", "11"))
        let split = bytes.count / 3
        #expect(machine.watchReceived(Array(bytes[..<split])).updates.isEmpty)
        #expect(machine.watchReceived(Array(bytes[split..<(2 * split)])).updates.isEmpty)
        let reaction = machine.watchReceived(Array(bytes[(2 * split)...]) + Array(line("DELETED", object("c", "12")).prefix(5)))
        #expect(reaction.updates == [.added(object("c", "11"))])
        #expect(reaction.next == nil)
    }

    @Test func normalEndResumesFromTheLastVersionAtOnce() {
        var machine = watching()
        _ = machine.watchReceived(line("MODIFIED", object("a", "15")))
        let reaction = machine.watchEnded()
        #expect(reaction.updates.isEmpty)
        #expect(reaction.next == .init(request: .watch(resourceVersion: "15"), delay: .zero))
    }

    @Test func emptyWatchesThatEndBackOffInsteadOfSpinning() {
        var machine = watching()
        #expect(machine.watchEnded().next == .init(request: .watch(resourceVersion: "10"), delay: .milliseconds(800)))
        #expect(machine.watchEnded().next == .init(request: .watch(resourceVersion: "10"), delay: .milliseconds(1600)))
    }

    @Test func closedMidLineDropsThePartialLineAndResumes() {
        var machine = watching()
        let full = line("ADDED", object("c", "11"))
        let cut = line("MODIFIED", object("c", "12"))
        let reaction = machine.watchReceived(full + Array(cut.prefix(cut.count / 2)))
        #expect(reaction.updates == [.added(object("c", "11"))])
        let failed = machine.watchFailed(.transport("transfer closed with outstanding read data remaining"))
        #expect(failed.next == .init(request: .watch(resourceVersion: "11"), delay: .milliseconds(800)))
        // The next connection starts clean: the half line from before is not glued to its first line.
        let next = machine.watchReceived(line("MODIFIED", object("c", "12")))
        #expect(next.updates == [.modified(object("c", "12"))])
    }

    @Test func expiredErrorEventRelists() {
        var machine = watching()
        _ = machine.watchReceived(line("ADDED", object("c", "11")))
        let reaction = machine.watchReceived(line("ERROR", expiredStatus) + line("ADDED", object("d", "12")))
        #expect(reaction.updates.isEmpty)
        #expect(reaction.next == .init(request: .list(continueToken: nil), delay: .zero))
        #expect(machine.phase == .listing)
        let relisted = machine.listPageReceived(items: [object("c", "20")], resourceVersion: "20", continueToken: nil)
        #expect(relisted.updates == [.replaceAll([object("c", "20")], resourceVersion: "20")])
        #expect(relisted.next == .init(request: .watch(resourceVersion: "20"), delay: .zero))
    }

    @Test func expiredHTTPStatusRelists() {
        var machine = watching()
        _ = machine.watchReceived(line("ADDED", object("c", "11")))
        let reaction = machine.watchFailed(.gone(KubeStatus(code: 410, reason: "Gone", message: "too old")))
        #expect(reaction.next == .init(request: .list(continueToken: nil), delay: .zero))
    }

    @Test func expiredRightAfterAListWaitsBeforeListingAgain() {
        var machine = watching()
        let reaction = machine.watchFailed(.gone(KubeStatus(code: 410, reason: "Expired", message: "too old")))
        #expect(reaction.next == .init(request: .list(continueToken: nil), delay: .milliseconds(800)))
    }

    @Test func otherErrorEventsResumeTheWatchAfterBackoff() {
        var machine = watching()
        let status: JSONValue = ["kind": "Status", "code": 500, "reason": "InternalError", "message": "etcd hiccup"]
        let reaction = machine.watchReceived(line("ERROR", status))
        #expect(reaction.updates.isEmpty)
        #expect(reaction.next == .init(request: .watch(resourceVersion: "10"), delay: .milliseconds(800)))
    }

    @Test func malformedLineResumesTheWatchAfterBackoff() {
        var machine = watching()
        let reaction = machine.watchReceived(Array("{not json\n".utf8))
        #expect(reaction.next == .init(request: .watch(resourceVersion: "10"), delay: .milliseconds(800)))
    }

    @Test func eventsResetTheBackoff() {
        var machine = watching()
        _ = machine.watchFailed(.transport("reset"))
        _ = machine.watchFailed(.transport("reset"))
        _ = machine.watchReceived(line("ADDED", object("c", "11")))
        #expect(machine.watchFailed(.transport("reset")).next?.delay == .milliseconds(800))
    }

    // MARK: what the owner hears

    private let forbidden = KubeStatus(
        code: 403, reason: "Forbidden", message: #"configmaps is forbidden: User "robot" cannot list resource "configmaps""#)

    @Test func aFailedListIsReportedAndTheNextCompleteListIsARecovery() {
        var machine = ListWatchStateMachine(resource: "configmaps", backoff: Backoff(jitter: 0))
        _ = machine.start()
        let refused = machine.listFailed(.unauthorized(forbidden))
        #expect(refused.failure == WatchFailure(resource: "configmaps", request: .list, error: .unauthorized(forbidden)))
        #expect(refused.failure?.reason == .forbidden)
        #expect(refused.failure?.statusCode == 403)
        #expect(!refused.recovered)
        _ = machine.listFailed(.transport("connection refused"))
        let firstPage = machine.listPageReceived(items: [object("a", "3")], resourceVersion: "7", continueToken: "page2")
        #expect(!firstPage.recovered, "a list recovers only once it is complete")
        let done = machine.listPageReceived(items: [], resourceVersion: "7", continueToken: nil)
        #expect(done.recovered)
        #expect(done.failure == nil)
        #expect(!machine.watchEnded().recovered, "one recovery per run of failures")
    }

    @Test func aListThatNeverFailedIsNoRecovery() {
        var machine = machine()
        _ = machine.start()
        #expect(!machine.listPageReceived(items: [], resourceVersion: "1", continueToken: nil).recovered)
    }

    @Test func watchFailuresCarryTheirRequestAndReason() {
        var machine = watching()
        #expect(machine.watchFailed(.unauthorized(forbidden)).failure?.reason == .forbidden)
        #expect(machine.watchFailed(.transport("reset")).failure?.reason == .transport)
        let unauthorized = KubeStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")
        #expect(machine.watchFailed(.unauthorized(unauthorized)).failure?.reason == .unauthorized)
        let status: JSONValue = ["kind": "Status", "code": 500, "reason": "InternalError", "message": "etcd hiccup"]
        let event = machine.watchReceived(line("ERROR", status))
        #expect(event.failure?.request == .watch)
        #expect(event.failure?.reason == .serverError)
        #expect(event.failure?.statusCode == 500)
        #expect(machine.watchReceived(Array("{not json\n".utf8)).failure?.reason == .malformedResponse)
        #expect(machine.watchReceived(line("ERROR", expiredStatus)).failure?.reason == .gone)
        #expect(machine.phase == .listing)
    }

    @Test func anEventOrACleanEndAfterAFailedWatchIsARecovery() {
        var machine = watching()
        _ = machine.watchFailed(.transport("reset"))
        let event = machine.watchReceived(line("ADDED", object("c", "11")))
        #expect(event.recovered)
        #expect(event.failure == nil)
        _ = machine.watchFailed(.server(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "busy")))
        #expect(machine.watchEnded().recovered)
    }
}

/// Traps on illegal input, each in a child process: run apart from the other suites (see
/// AdapterScaleExitTests for why).
@Suite struct ListWatchStateMachineExitTests {
    @Test func aListPageWhileWatchingIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            var machine = ListWatchStateMachine()
            _ = machine.start()
            _ = machine.listPageReceived(items: [], resourceVersion: "1", continueToken: nil)
            _ = machine.listPageReceived(items: [], resourceVersion: "2", continueToken: nil)
        }
    }

    @Test func aWatchEndBeforeAnyWatchIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            var machine = ListWatchStateMachine()
            _ = machine.start()
            _ = machine.watchEnded()
        }
    }
}

@Suite struct BackoffTests {
    @Test func doublesFromPointEightSecondsUpToThirtyWithoutJitter() {
        var backoff = Backoff(jitter: 0)
        let delays = (0..<8).map { _ in backoff.next() }
        #expect(delays == [0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 30, 30].map { Duration.milliseconds(Int64($0 * 1000)) })
        backoff.reset()
        #expect(backoff.next() == .milliseconds(800))
    }

    @Test func jitterStretchesWithinItsBoundAndNeverPastTheMaximum() {
        var backoff = Backoff()
        #expect(backoff.next(random: 0.999) > .milliseconds(1190))
        #expect(backoff.next(random: 0) == .milliseconds(1600))
        for _ in 0..<10 { _ = backoff.next(random: 0.999) }
        #expect(backoff.next(random: 0.999) == .seconds(30))
    }

    @Test func lineAssemblerKeepsPartialLinesAndSkipsBlankOnes() {
        var lines = LineAssembler()
        #expect(lines.append(Array("ab".utf8)).isEmpty)
        #expect(lines.append(Array("c\r\n\n\nde".utf8)) == [Array("abc".utf8)])
        #expect(lines.pendingByteCount == 2)
        lines.discardPartialLine()
        #expect(lines.append(Array("f\n".utf8)) == [Array("f".utf8)])
    }
}
