/// The thread on which JetStream sinks do what libnats can only do blocking: connect, and look
/// the stream up or create it. Rare (once per connection, again after the stream vanished), so
/// one thread per `NATSConnectionRegistry` serves every sink on it, and no adapter's event loop
/// ever waits for a server. It starts with the first job and ends when idle (`IdleEndingThread`).
final class JetStreamSetupThread: Sendable {
    private let thread = IdleEndingThread<@Sendable () -> Void>(name: "jetstream-setup", idleSeconds: 5)

    func execute(_ job: @escaping @Sendable () -> Void) {
        thread.enqueue(job) {
            { jobs in for job in jobs { job() } }
        }
    }
}
