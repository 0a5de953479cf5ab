import NIOCore
import NIOHTTP1

/// One connection of the receiver: reads a request's `ce-id` header, lets the ledger decide,
/// answers once the whole body arrived.
final class ChaosReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// What an endless body is made of, and how often a piece of it goes out.
    private static let endlessChunk = ByteBuffer(repeating: UInt8(ascii: "x"), count: 16 * 1024)
    private static let endlessInterval = TimeAmount.milliseconds(5)

    private let ledger: DeliveryLedger
    private var eventID: String?
    private var uri = "/"
    private var keepAlive = true

    init(ledger: DeliveryLedger) {
        self.ledger = ledger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            eventID = head.headers.first(name: "ce-id")
            uri = head.uri
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let reaction = ledger.answer(id: eventID)
            eventID = nil
            switch reaction {
            case .accept:
                respond(context: context, status: .ok)
            case .refuse(let status):
                respond(context: context, status: HTTPResponseStatus(statusCode: status))
            case .redirectLoop:
                respond(context: context, status: .found, extraHeaders: [("Location", uri)])
            case .slowUnavailable(let milliseconds):
                let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(milliseconds))) {
                    let (handler, context) = loopBound.value
                    handler.respond(context: context, status: .serviceUnavailable)
                }
            case .endlessBody:
                let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: HTTPHeaders([("Content-Type", "text/plain")]))
                context.writeAndFlush(wrapOutboundOut(.head(head)), promise: nil)
                sendEndlessBody(context: context)
            }
        }
    }

    /// Writes a piece of body every few milliseconds until the client gives up on the connection.
    private func sendEndlessBody(context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(Self.endlessChunk))), promise: nil)
        let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: Self.endlessInterval) {
            let (handler, context) = loopBound.value
            handler.sendEndlessBody(context: context)
        }
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, extraHeaders: [(String, String)] = []) {
        guard context.channel.isActive else { return }
        var headers = HTTPHeaders([("Content-Length", "0")] + extraHeaders)
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
