import Logging
import NIOCore
import NIOHTTP1

/// Serves the requests of one accepted connection, in order, until the client closes it, asks
/// for `Connection: close`, or the server's task is cancelled at shutdown.
///
/// Responses are computed here, on Swift's cooperative pool, never on the event loop: readiness
/// checks and collectors are callers' code.
struct HealthServerConnection {
    let channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>
    let routes: HealthServerRoutes
    let logger: Logger

    func serve() async {
        do {
            try await channel.executeThenClose { inbound, outbound in
                // shutdown(2) before close(2): the client sees the end of the connection even when a
                // child process inherited the socket (NIO does not set close-on-exec on accepted ones).
                defer { channel.channel.close(mode: .output, promise: nil) }
                var request: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let head):
                        request = head
                    case .body:
                        continue  // No endpoint takes a body; the decoder still needs it read.
                    case .end:
                        guard let head = request else { continue }
                        request = nil
                        let response = routes.respond(method: head.method, uri: head.uri)
                        try await write(response, answering: head, to: outbound)
                        if !head.isKeepAlive { return }
                    }
                }
            }
        } catch {
            // A client that hangs up mid-request is routine for probes; nothing to act on.
            logger.debug("health connection ended: \(error)")
        }
    }

    private func write(
        _ response: HealthServerRoutes.Response, answering request: HTTPRequestHead,
        to outbound: NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>
    ) async throws {
        // A HEAD response carries the headers a GET would have, but never a body.
        let body = request.method == .HEAD ? [] : response.body
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "Cache-Control", value: "no-store")
        if let allow = response.allow { headers.add(name: "Allow", value: allow) }
        if !request.isKeepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: response.status, headers: headers)
        try await outbound.write(contentsOf: [
            .head(head), .body(.byteBuffer(ByteBuffer(bytes: body))), .end(nil),
        ])
    }
}
