import NIOCore
import NIOHTTP1
import StructuredData

/// Turns HTTP/1.1 requests into `APIRequest`s for the core and writes its answers back,
/// streaming the watches. One per connection, on that connection's event loop.
final class APIHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let core: APIServerCore
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var bodyTooLarge = false
    /// An answer was sent before the request ended, and the connection is closing.
    private var closingEarly = false
    /// How long a connection answered early (413 before its body) keeps draining before it closes.
    private static let lingerBeforeClose: TimeAmount = .seconds(2)
    private var certificateIdentity: ClientIdentity?
    private var watch: WatchSession?

    init(core: APIServerCore) {
        self.core = core
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSClientIdentityEvent { certificateIdentity = event.identity }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            guard !closingEarly else { return }
            body.removeAll(keepingCapacity: true)
            bodyTooLarge = false
            if let declared = head.headers.first(name: "Content-Length"), !declared.isEmpty,
                Int(declared).map({ $0 > core.configuration.maxRequestBytes }) ?? true
            {
                // Waiting for a body the server will refuse anyway would hold the connection for
                // as long as the client likes; answer now and close.
                closingEarly = true
                let error = APIError.tooLarge(limit: core.configuration.maxRequestBytes)
                writeWhole(
                    context: context, head: head, status: error.code, body: JSONWriter.bytes(error.status),
                    contentType: "application/json", extraHeaders: [("Connection", "close")], closeAfter: true)
                return
            }
            self.head = head
        case .body(var buffer):
            guard !bodyTooLarge, !closingEarly else { return }
            if body.count + buffer.readableBytes > core.configuration.maxRequestBytes {
                // Keep reading so the connection stays in step, but drop the bytes: the answer is 413.
                bodyTooLarge = true
                body = []
            } else if let bytes = buffer.readBytes(length: buffer.readableBytes) {
                body.append(contentsOf: bytes)
            }
        case .end:
            guard let head, !closingEarly else { return }
            self.head = nil
            dispatch(context: context, head: head)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        watch?.stop()
        watch = nil
        context.fireChannelInactive()
    }

    private func dispatch(context: ChannelHandlerContext, head: HTTPRequestHead) {
        let (path, query) = APIRequest.splitTarget(head.uri)
        let request = APIRequest(
            method: head.method.rawValue, path: path, query: query,
            headers: head.headers.map { ($0.name, $0.value) }, body: body, bodyTooLarge: bodyTooLarge,
            certificateIdentity: certificateIdentity)
        body = []
        let response = core.handle(request)
        let latency = path.hasPrefix("/testserver/")
            ? 0 : min(core.faults.latencyMilliseconds, Int(FaultSettings.maximumLatencyMilliseconds))
        if latency > 0 {
            context.eventLoop.assumeIsolated().scheduleTask(in: .milliseconds(Int64(latency))) {
                self.respond(context: context, head: head, response: response)
            }
        } else {
            respond(context: context, head: head, response: response)
        }
    }

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, response: APIResponse) {
        switch response {
        case .json(let status, let document, let headers):
            writeWhole(context: context, head: head, status: status, body: JSONWriter.bytes(document),
                       contentType: "application/json", extraHeaders: headers)
        case .text(let status, let text):
            writeWhole(context: context, head: head, status: status, body: Array(text.utf8), contentType: "text/plain",
                       extraHeaders: [])
        case .bytes(let status, let bytes, let contentType):
            writeWhole(context: context, head: head, status: status, body: bytes, contentType: contentType, extraHeaders: [])
        case .watch(let plan):
            let session = WatchSession(handler: self, context: context, requestHead: head, plan: plan, core: core)
            watch = session
            session.start()
        }
    }

    func writeWhole(
        context: ChannelHandlerContext, head: HTTPRequestHead, status: Int, body: [UInt8], contentType: String,
        extraHeaders: [(String, String)], closeAfter: Bool = false
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: String(body.count))
        headers.add(name: "Cache-Control", value: "no-cache, private")
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        let responseHead = HTTPResponseHead(
            version: head.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(responseHead)), promise: nil)
        var buffer = context.channel.allocator.buffer(capacity: body.count)
        buffer.writeBytes(body)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        if closeAfter {
            // A lingering close, as Go's net/http does before closing on an unread body: closing at
            // once with the client's upload still arriving makes the kernel answer with a reset,
            // which can destroy the answer before the client reads it. So end our side only, keep
            // discarding what arrives, and close when the client does or after a bounded linger.
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).assumeIsolated().whenComplete { _ in
                channel.close(mode: .output).whenFailure { _ in channel.close(promise: nil) }
                channel.eventLoop.scheduleTask(in: Self.lingerBeforeClose) { channel.close(promise: nil) }
            }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func writeStreamHead(context: ChannelHandlerContext, head: HTTPRequestHead) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "Transfer-Encoding", value: "chunked")
        headers.add(name: "Cache-Control", value: "no-cache, private")
        let responseHead = HTTPResponseHead(version: head.version, status: .ok, headers: headers)
        context.writeAndFlush(wrapOutboundOut(.head(responseHead)), promise: nil)
    }

    func writeStreamBytes(context: ChannelHandlerContext, _ bytes: [UInt8]) {
        var buffer = context.channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
    }

    func endStream(context: ChannelHandlerContext, session: WatchSession) {
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if watch === session { watch = nil }
    }
}
