/// Placeholder until the OpenSSL transport lands: TLS settings are refused with a clear error.
final class TLSTransport: ByteTransport {
    init(socket: TCPSocket, material: TLSMaterial, serverName: String, deadline: ContinuousClock.Instant) throws(RedisError) {
        socket.close()
        throw .tlsFailed("TLS to Redis is not supported yet")
    }

    func send(_ bytes: UnsafeRawBufferPointer, deadline: ContinuousClock.Instant) throws(RedisError) {}

    func receive(
        into buffer: UnsafeMutableRawBufferPointer, deadline: ContinuousClock.Instant, interruptible: Bool
    ) throws(RedisError) -> Int { 0 }

    func close() {}
}
