import Dispatch
import Foundation
import Synchronization

/// The thread on which JetStream sinks do what libnats can only do blocking: connect, and look
/// the stream up or create it. Rare (once per connection, again after the stream vanished), so
/// one thread per `NATSConnectionRegistry` serves every sink on it, and no adapter's event loop
/// ever waits for a server. The thread starts with the first job and ends after a few idle
/// seconds, so it needs no shutdown and a process without an EventBus keeps none.
final class JetStreamSetupThread: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var threadRunning = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private static let idleSeconds = 5

    func execute(_ job: @escaping @Sendable () -> Void) {
        let startThread = state.withLock { state in
            state.jobs.append(job)
            guard !state.threadRunning else { return false }
            state.threadRunning = true
            return true
        }
        if startThread {
            let thread = Thread { [self] in run() }
            thread.name = "jetstream-setup"
            thread.start()
        }
        wakeUp.signal()
    }

    private func run() {
        while true {
            let woken = wakeUp.wait(timeout: .now() + .seconds(Self.idleSeconds)) == .success
            let due: [@Sendable () -> Void]? = state.withLock { state in
                if state.jobs.isEmpty {
                    // Signals outnumber jobs when several were taken at once: only an idle
                    // timeout with nothing queued ends the thread.
                    if woken { return [] }
                    state.threadRunning = false
                    return nil
                }
                defer { state.jobs.removeAll() }
                return state.jobs
            }
            guard let due else { return }
            for job in due { job() }
        }
    }
}
