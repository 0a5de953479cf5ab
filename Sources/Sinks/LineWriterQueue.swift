/// Writes for callers that must not block (event-loop threads shared by many adapters): jobs
/// queue up and one background thread per writer (`IdleEndingThread`) renders and writes them,
/// joining whatever queued meanwhile into one write(2). The thread ends after a few idle seconds
/// and starts again with the next job, so a quiet process keeps no thread for it.
final class LineWriterQueue: Sendable {
    struct Job: Sendable {
        /// Appends the job's lines; runs on the writer thread.
        let render: @Sendable (inout [UInt8]) -> Void
        /// Runs once the job's bytes were written (or failed to be), on the writer thread.
        let completion: @Sendable (Result<Void, LineWriter.WriteError>) -> Void
    }

    private let thread = IdleEndingThread<Job>(name: "line-writer", idleSeconds: 2)
    /// A buffer grown by a burst is dropped rather than kept for the process' lifetime.
    private static let keptCapacity = 4 << 20

    func enqueue(_ job: Job, write: @escaping @Sendable ([UInt8]) -> Result<Void, LineWriter.WriteError>) {
        thread.enqueue(job) {
            var buffer: [UInt8] = []
            return { jobs in
                if buffer.capacity > Self.keptCapacity { buffer = [] }
                buffer.removeAll(keepingCapacity: true)
                for job in jobs { job.render(&buffer) }
                let result = write(buffer)
                for job in jobs { job.completion(result) }
            }
        }
    }
}
