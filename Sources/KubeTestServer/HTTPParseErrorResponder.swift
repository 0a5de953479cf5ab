import NIOCore
import NIOHTTP1
import StructuredData

/// Answers requests the HTTP parser refuses with a Status object, as the real API server does:
/// 431 for headers over the limit, 400 for anything else malformed. NIO's own error handler
/// sends an empty 400 whatever the cause, which leaves a client guessing.
final class HTTPParseErrorResponder: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// A response has begun and not ended: a second one cannot be written in its middle.
    private var responseInProgress = false

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        // The decoder closes the channel right after this returns, so the answer goes out now or never.
        if !responseInProgress {
            let failure = Self.failure(for: parserError)
            let body = JSONWriter.bytes(failure.status)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: String(body.count))
            headers.add(name: "Connection", value: "close")
            let head = HTTPResponseHead(
                version: .http1_1, status: HTTPResponseStatus(statusCode: failure.code), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            var buffer = context.channel.allocator.buffer(capacity: body.count)
            buffer.writeBytes(body)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        context.fireErrorCaught(error)
    }

    static func failure(for error: HTTPParserError) -> APIError {
        switch error {
        case .headerOverflow:
            return APIError(
                code: 431, reason: "RequestHeaderFieldsTooLarge",
                message: "the request's header fields are too large")
        default:
            return .badRequest("the request could not be parsed as HTTP/1.1: \(error)")
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let head) where head.status.code < 200: break
        case .head: responseInProgress = true
        case .body: break
        case .end: responseInProgress = false
        }
        context.write(data, promise: promise)
    }
}
