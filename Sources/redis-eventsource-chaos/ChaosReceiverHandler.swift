import NIOCore
import NIOHTTP1

/// One connection of the receiver: reads a request's `ce-id` header, lets the ledger decide,
/// answers once the whole body arrived.
final class ChaosReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let ledger: DeliveryLedger
    private var eventID: String?
    private var keepAlive = true

    init(ledger: DeliveryLedger) {
        self.ledger = ledger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            eventID = head.headers.first(name: "ce-id")
            keepAlive = head.isKeepAlive
        case .body:
            break
        case .end:
            let accepted = ledger.answer(id: eventID)
            var headers = HTTPHeaders([("Content-Length", "0")])
            if !keepAlive { headers.add(name: "Connection", value: "close") }
            let head = HTTPResponseHead(
                version: .http1_1, status: accepted ? .ok : .serviceUnavailable, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !keepAlive {
                let channel = context.channel
                written.whenComplete { _ in channel.close(promise: nil) }
            }
            eventID = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
