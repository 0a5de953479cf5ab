/// A byte stream to a server (Redis, today): plain TCP or TLS. Calls block the calling (dedicated) thread,
/// but never past `deadline`. Only connecting gives up early when the adapter is told to stop: a
/// reply already under way is always read, so nothing Redis handed over is left stranded.
protocol ByteTransport: AnyObject {
    func send(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(SocketError)
    /// Reads at least one byte into `buffer`; returns the count.
    func receive(into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant) throws(SocketError) -> Int
    func close()
}
