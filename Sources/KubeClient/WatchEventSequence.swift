/// The events of one watch connection, parsed as the consumer pulls them.
public struct WatchEventSequence: AsyncSequence, Sendable {
    public typealias Element = WatchEvent

    let connection: ByteStream

    /// Stops the underlying transfer; iteration then ends.
    public func cancel() { connection.cancel() }

    public func makeAsyncIterator() -> Iterator {
        Iterator(connection: connection, bytes: connection.bytes.makeAsyncIterator())
    }

    public struct Iterator: AsyncIteratorProtocol {
        /// Held so the transfer lives exactly as long as some copy of the iterator.
        let connection: ByteStream
        var bytes: AsyncThrowingStream<[UInt8], any Error>.AsyncIterator
        var lines = LineAssembler()
        var ready: [WatchEvent] = []

        public mutating func next() async throws -> WatchEvent? {
            while ready.isEmpty {
                guard let chunk = try await bytes.next() else { return nil }
                for line in lines.append(chunk) { ready.append(try WatchEvent(line: line)) }
            }
            return ready.removeFirst()
        }
    }
}
