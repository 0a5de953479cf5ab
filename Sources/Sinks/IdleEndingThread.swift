import Dispatch
import Foundation
import Synchronization

/// Jobs served in order by one background thread that starts with the first job and ends after
/// `idleSeconds` with nothing queued, so a quiet process keeps no thread for it and nothing needs
/// shutting down. Jobs queued while one batch is served are handed over together as the next.
final class IdleEndingThread<Job: Sendable>: Sendable {
    private struct State {
        var jobs: [Job] = []
        var threadRunning = false
    }

    private let name: String
    private let idleSeconds: Int
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)

    init(name: String, idleSeconds: Int) {
        self.name = name
        self.idleSeconds = idleSeconds
    }

    /// Queues `job`. A thread that starts calls `makeServer` once, on itself, and then serves
    /// every batch with what it returned, which may keep state (a buffer) from batch to batch.
    func enqueue(_ job: Job, makeServer: @escaping @Sendable () -> ([Job]) -> Void) {
        let startThread = state.withLock { state in
            state.jobs.append(job)
            guard !state.threadRunning else { return false }
            state.threadRunning = true
            return true
        }
        if startThread {
            let thread = Thread { [self] in serve(with: makeServer()) }
            thread.name = name
            thread.start()
        }
        wakeUp.signal()
    }

    private func serve(with server: ([Job]) -> Void) {
        while true {
            let woken = wakeUp.wait(timeout: .now() + .seconds(idleSeconds)) == .success
            let jobs: [Job]? = state.withLock { state in
                if state.jobs.isEmpty {
                    // Signals outnumber batches when several jobs were taken at once: only an idle
                    // timeout with nothing queued ends the thread.
                    if woken { return [] }
                    state.threadRunning = false
                    return nil
                }
                defer { state.jobs.removeAll(keepingCapacity: true) }
                return state.jobs
            }
            guard let jobs else { return }
            guard !jobs.isEmpty else { continue }
            server(jobs)
        }
    }
}
