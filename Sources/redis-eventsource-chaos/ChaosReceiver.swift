import NIOCore
import NIOHTTP1
import NIOPosix

/// The sink under test: an HTTP/1.1 server on 127.0.0.1, on a port the kernel picks, that
/// answers 200 or 503 as its `DeliveryLedger` decides and records the `ce-id` of what it took.
final class ChaosReceiver {
    let ledger: DeliveryLedger
    let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let channel: any Channel

    init(seed: UInt64) throws {
        let ledger = DeliveryLedger(seed: seed)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelOption(.backlog, value: 256)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(ChaosReceiverHandler(ledger: ledger))
                    }
                }
                .bind(host: "127.0.0.1", port: 0)
                .wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        guard let port = channel.localAddress?.port else { throw ChaosError.setup("the receiver has no port") }
        self.ledger = ledger
        self.group = group
        self.port = port
    }

    var url: String { "http://127.0.0.1:\(port)/events" }

    func stop() {
        try? channel.close().wait()
        try? group.syncShutdownGracefully()
    }
}
