import Foundation
import Synchronization

/// The one thread on which JetStream sinks do what libnats can only do blocking: connect, and
/// look the stream up or create it. Rare (once per connection, again after the stream vanished),
/// so one thread serves every sink, and no adapter's event loop ever waits for a server.
final class JetStreamSetupThread: Sendable {
    static let shared = JetStreamSetupThread()

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let condition = NSCondition()

    private init() {
        let thread = Thread { [self] in run() }
        thread.name = "jetstream-setup"
        thread.start()
    }

    func execute(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.withLock { $0.append(job) }
        condition.signal()
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            var due = jobs.withLock { jobs in
                defer { jobs.removeAll() }
                return jobs
            }
            while due.isEmpty {
                condition.wait()
                due = jobs.withLock { jobs in
                    defer { jobs.removeAll() }
                    return jobs
                }
            }
            condition.unlock()
            for job in due { job() }
        }
    }
}
