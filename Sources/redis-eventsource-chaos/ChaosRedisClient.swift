import Adapter
import EventSourceAPI
import NIOPosix

/// The chaos runner's own connections to Redis (checks, producers), through the product's
/// `RedisClient`, waited on by the calling thread.
enum ChaosRedisClient {
    /// One loop carries every such connection; the runner keeps it until it exits.
    private static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    static func connect(to address: HostAddress, timeout: Duration) throws(RedisError) -> RedisClient {
        try RedisClient(address: address, timeout: timeout, eventLoops: eventLoops)
    }
}
