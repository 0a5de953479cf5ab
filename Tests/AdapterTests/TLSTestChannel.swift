@testable import Adapter
import NIOCore
import NIOPosix
import Sinks
import Synchronization
import TestSupport

/// A NIO client channel through `OpenSSLClientHandler` to 127.0.0.1, recording what reaches the
/// application side: decrypted bytes, errors, the handshake and the end of the connection.
/// Speaks just enough RESP for the tests: commands out, raw reply bytes in.
final class TLSTestChannel: Sendable {
    struct Record {
        var received: [UInt8] = []
        var socketErrors: [SocketError] = []
        var otherErrors: [String] = []
        var handshakeCompleted = false
        var inactive = false
    }

    let channel: any Channel
    private let recorder: Recorder

    private init(channel: any Channel, recorder: Recorder) {
        self.channel = channel
        self.recorder = recorder
    }

    var snapshot: Record { recorder.record.withLock { $0 } }

    static func connect(
        group: any EventLoopGroup, port: Int, material: TLSMaterial, serverName: String = "127.0.0.1",
        handshakeTimeout: TimeAmount? = nil
    ) async throws -> TLSTestChannel {
        let context = try TLSClientContext(material: material)
        let recorder = Recorder()
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let deadline = handshakeTimeout.map { NIODeadline.now() + $0 }
                    try channel.pipeline.syncOperations.addHandler(
                        OpenSSLClientHandler(context: context, serverName: serverName, handshakeDeadline: deadline))
                    try channel.pipeline.syncOperations.addHandler(recorder)
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TLSTestChannel(channel: channel, recorder: recorder)
    }

    /// Sends the commands in one write, RESP-encoded.
    func send(_ commands: [[UInt8]]...) {
        var buffer = channel.allocator.buffer(capacity: 64)
        for command in commands {
            buffer.writeString("*\(command.count)\r\n")
            for argument in command {
                buffer.writeString("$\(argument.count)\r\n")
                buffer.writeBytes(argument)
                buffer.writeString("\r\n")
            }
        }
        channel.writeAndFlush(buffer, promise: nil)
    }

    /// Waits until `count` bytes arrived in total and returns them; fails early on an error.
    func receive(_ count: Int) async throws -> [UInt8] {
        try await waitForValue("\(count) bytes from redis-server") { () throws -> [UInt8]? in
            let now = snapshot
            if let error = now.socketErrors.first { throw error }
            return now.received.count >= count ? now.received : nil
        }
    }

    /// What the TLS handler's memory BIOs hold allocated, read on the channel's event loop.
    func tlsBufferCapacity() async throws -> Int {
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.handler(type: OpenSSLClientHandler.self).memoryBufferCapacity
        }.get()
    }

    func close() async {
        try? await channel.close().get()
    }

    /// The application end of the pipeline: `send` writes through the channel, this records what comes back.
    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let record = Mutex(Record())

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(buffer: unwrapInboundIn(data))
            record.withLock { $0.received += bytes }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            record.withLock { state in
                if let socketError = error as? SocketError {
                    state.socketErrors.append(socketError)
                } else {
                    state.otherErrors.append("\(error)")
                }
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is OpenSSLClientHandler.HandshakeCompleted {
                record.withLock { $0.handshakeCompleted = true }
            }
            context.fireUserInboundEventTriggered(event)
        }

        func channelInactive(context: ChannelHandlerContext) {
            record.withLock { $0.inactive = true }
        }
    }
}
