/// A byte stream to Redis: plain TCP or TLS. Calls block the calling (dedicated) thread,
/// but never past `deadline`; an `interruptible` receive (a blocking XREADGROUP) also gives up
/// as soon as the adapter is told to stop, while acknowledgements always run to completion.
protocol ByteTransport: AnyObject {
    func send(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(RedisError)
    /// Reads at least one byte into `buffer`; returns the count.
    func receive(
        into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant, interruptible: Bool
    ) throws(RedisError) -> Int
    func close()
}
