import Dispatch
import Foundation
import Synchronization

/// Writes for callers that must not block (event-loop threads shared by many adapters): jobs
/// queue up and one background thread per writer renders and writes them, joining whatever
/// queued meanwhile into one write(2). The thread ends after a few idle seconds and starts
/// again with the next job, so a quiet process keeps no thread for it.
final class LineWriterQueue: Sendable {
    struct Job: Sendable {
        /// Appends the job's lines; runs on the writer thread.
        let render: @Sendable (inout [UInt8]) -> Void
        /// Runs once the job's bytes were written (or failed to be), on the writer thread.
        let completion: @Sendable (Result<Void, LineWriter.WriteError>) -> Void
    }

    private struct State {
        var jobs: [Job] = []
        var threadRunning = false
    }

    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private static let idleSeconds = 2
    /// A buffer grown by a burst is dropped rather than kept for the process' lifetime.
    private static let keptCapacity = 4 << 20

    func enqueue(_ job: Job, write: @escaping @Sendable ([UInt8]) -> Result<Void, LineWriter.WriteError>) {
        let startThread = state.withLock { state in
            state.jobs.append(job)
            guard !state.threadRunning else { return false }
            state.threadRunning = true
            return true
        }
        if startThread {
            let thread = Thread { [self] in drain(write) }
            thread.name = "line-writer"
            thread.start()
        }
        wakeUp.signal()
    }

    private func drain(_ write: @Sendable ([UInt8]) -> Result<Void, LineWriter.WriteError>) {
        var buffer: [UInt8] = []
        while true {
            let woken = wakeUp.wait(timeout: .now() + .seconds(Self.idleSeconds)) == .success
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
            if buffer.capacity > Self.keptCapacity { buffer = [] }
            buffer.removeAll(keepingCapacity: true)
            for job in jobs { job.render(&buffer) }
            let result = write(buffer)
            for job in jobs { job.completion(result) }
        }
    }
}
