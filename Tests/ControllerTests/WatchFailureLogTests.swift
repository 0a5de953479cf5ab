import Controller
import KubeClient
import Testing

/// Which watcher reports the controller logs, and how loudly: a failure that repeats on every
/// retry is logged once, 401 and 403 as warnings.
@Suite struct WatchFailureLogTests {
    private func failure(_ resource: String, _ error: KubeError, _ request: WatchFailure.Request = .list) -> WatcherReport {
        .failed(WatchFailure(resource: resource, request: request, error: error))
    }

    private let forbidden = KubeError.unauthorized(KubeStatus(code: 403, reason: "Forbidden", message: "no"))
    private let unauthorized = KubeError.unauthorized(KubeStatus(code: 401, reason: "Unauthorized", message: "no"))
    private let unavailable = KubeError.server(KubeStatus(code: 503, reason: "ServiceUnavailable", message: "busy"))

    @Test func aRepeatedForbiddenIsOneWarningThenDebug() {
        var log = WatchFailureLog()
        #expect(log.level(for: failure("eventsources", forbidden)) == .warning)
        for _ in 0..<5 { #expect(log.level(for: failure("eventsources", forbidden)) == .debug) }
        #expect(log.level(for: failure("eventsources", forbidden, .watch)) == .debug, "the same kind from the watch")
    }

    @Test func aChangeOfKindIsLoggedAgain() {
        var log = WatchFailureLog()
        #expect(log.level(for: failure("secrets", forbidden)) == .warning)
        #expect(log.level(for: failure("secrets", unauthorized)) == .warning)
        #expect(log.level(for: failure("secrets", .transport("connection refused"))) == .info)
        #expect(log.level(for: failure("secrets", .transport("connection reset"))) == .debug)
        #expect(log.level(for: failure("secrets", unavailable)) == .info)
        #expect(log.level(for: failure("secrets", forbidden)) == .warning)
    }

    @Test func afterARecoveryTheNextFailureIsLoggedAgain() {
        var log = WatchFailureLog()
        #expect(log.level(for: failure("eventsources", forbidden)) == .warning)
        #expect(log.level(for: .recovered(resource: "eventsources")) == .info)
        #expect(log.level(for: .recovered(resource: "eventsources")) == nil, "nothing was failing")
        #expect(log.level(for: failure("eventsources", forbidden)) == .warning)
    }

    @Test func resourcesAreTrackedApart() {
        var log = WatchFailureLog()
        #expect(log.level(for: failure("eventsources", forbidden)) == .warning)
        #expect(log.level(for: failure("secrets", forbidden)) == .warning)
        #expect(log.level(for: .recovered(resource: "secrets")) == .info)
        #expect(log.level(for: failure("eventsources", forbidden)) == .debug)
    }

    @Test func anExpiredVersionIsRoutine() {
        var log = WatchFailureLog()
        let gone = KubeError.gone(KubeStatus(code: 410, reason: "Expired", message: "too old"))
        #expect(log.level(for: failure("eventsources", gone, .watch)) == .debug)
        #expect(log.level(for: .recovered(resource: "eventsources")) == nil)
    }
}
