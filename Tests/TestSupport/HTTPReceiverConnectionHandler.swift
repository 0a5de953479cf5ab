import NIOCore
import NIOHTTP1

/// Serves one connection: gathers each request, asks the shared state how to answer, and
/// writes the answer as raw bytes, so it can also write garbage or nothing at all.
final class HTTPReceiverConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let state: HTTPReceiverState
    private var connection = 0
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    init(state: HTTPReceiverState) {
        self.state = state
    }

    func handlerAdded(context: ChannelHandlerContext) {
        connection = state.connectionOpened(context.channel)
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.connectionClosed(connection)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body = []
            // Clients that wait for permission before sending a body (curl does, for large
            // bodies, unless told not to) get it at once rather than after their own timeout.
            if requestHead.headers["Expect"].contains(where: { $0.lowercased() == "100-continue" }) {
                let interim = context.channel.allocator.buffer(string: "HTTP/1.1 100 Continue\r\n\r\n")
                context.writeAndFlush(wrapOutboundOut(interim), promise: nil)
            }
        case .body(let chunk):
            if state.recording == .everything { body.append(contentsOf: chunk.readableBytesView) }
        case .end:
            guard let head else { return }
            self.head = nil
            let reaction = state.answer(
                method: head.method.rawValue, target: head.uri,
                headers: head.headers.map { (name: $0.name, value: $0.value) }, body: body, connection: connection)
            body = []
            react(reaction, keepAlive: head.isKeepAlive, context: context)
        }
    }

    private func react(_ reaction: HTTPReceiver.Reaction, keepAlive: Bool, context: ChannelHandlerContext) {
        let channel = context.channel
        switch reaction {
        case .respond(let status, let headers, let body):
            let bytes = Self.response(status: status, headers: headers, body: body, keepAlive: keepAlive)
            let written = context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
            if !keepAlive { written.whenComplete { _ in channel.close(promise: nil) } }
        case .hang:
            break
        case .sendGarbage(let bytes):
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)))
                .whenComplete { _ in channel.close(promise: nil) }
        case .closeConnection:
            context.close(promise: nil)
        case .respondWithoutEndingBody(let status, let bodyBytes):
            let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
            let head = Array("HTTP/1.1 \(status) \(reason)\r\nContent-Length: 1000000000000\r\n\r\n".utf8)
            let body = [UInt8](repeating: UInt8(ascii: "x"), count: bodyBytes)
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: head + body)), promise: nil)
        }
    }

    private static func response(
        status: Int, headers: [(name: String, value: String)], body: String, keepAlive: Bool
    ) -> [UInt8] {
        let reason = HTTPResponseStatus(statusCode: status).reasonPhrase
        var text = "HTTP/1.1 \(status) \(reason)\r\n"
        for header in headers { text += "\(header.name): \(header.value)\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\n"
        if !keepAlive { text += "Connection: close\r\n" }
        text += "\r\n"
        text += body
        return Array(text.utf8)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A client that sends something unparseable gets its connection closed, nothing more.
        context.close(promise: nil)
    }
}
