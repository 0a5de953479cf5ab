import NIOCore
import NIOPosix

/// The fixed set of I/O threads every adapter in the process shares: about one per core, never
/// one per adapter. Each adapter lives on one loop; adapters are spread over them in turn.
enum AdapterEventLoops {
    static let group: MultiThreadedEventLoopGroup = MultiThreadedEventLoopGroup(
        numberOfThreads: max(2, System.coreCount))
}
