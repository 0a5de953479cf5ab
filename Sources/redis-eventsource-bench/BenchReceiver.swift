import NIOCore
import NIOHTTP1
import NIOPosix

/// The fast HTTP receiver on 127.0.0.1 that both the product's HTTP sink and wrk post to, so
/// the raw capacity and the product's figure are measured against the very same server.
final class BenchReceiver: Sendable {
    let port: Int
    let tally: ReceiverTally
    let failures: BenchReceiverFailures
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    private init(
        port: Int, tally: ReceiverTally, failures: BenchReceiverFailures, group: MultiThreadedEventLoopGroup,
        channel: any Channel
    ) {
        self.port = port
        self.tally = tally
        self.failures = failures
        self.group = group
        self.channel = channel
    }

    static func start(threads: Int) async throws -> BenchReceiver {
        let tally = ReceiverTally()
        let failures = BenchReceiverFailures()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                        try pipeline.addHandler(BenchReceiverHandler(tally: tally, failures: failures))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .get()
            guard let port = channel.localAddress?.port else { throw BenchError.tool("receiver has no local port") }
            return BenchReceiver(port: port, tally: tally, failures: failures, group: group, channel: channel)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    var url: String { "http://127.0.0.1:\(port)/" }

    func stop() async {
        try? await channel.close()
        try? await group.shutdownGracefully()
    }
}
