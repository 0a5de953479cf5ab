import NIOCore
import NIOHTTP1

/// Answers every request with an empty 200 (or, as `failures` decides, a 503) as soon as its last
/// byte arrived, and notes when that was: the receiver is the far end of both the throughput and
/// the latency figures.
final class BenchReceiverHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private static let sentMarker = Array(#""sent":""#.utf8)
    private let tally: ReceiverTally
    private let failures: BenchReceiverFailures
    private var body: ByteBuffer?
    private var response: ByteBuffer?
    private var unavailable: ByteBuffer?

    init(tally: ReceiverTally, failures: BenchReceiverFailures) {
        self.tally = tally
        self.failures = failures
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            body = nil
        case .body(var chunk):
            if body == nil { body = chunk } else { body!.writeBuffer(&chunk) }
        case .end:
            let arrived = MonotonicClock.now()
            if let body, let sent = Self.sentTimestamp(in: body), arrived > sent {
                tally.recordLatency(nanoseconds: arrived - sent)
            }
            body = nil
            tally.countRequest()
            if failures.failsNext() {
                if unavailable == nil {
                    unavailable = context.channel.allocator.buffer(
                        string: "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n")
                }
                context.writeAndFlush(wrapOutboundOut(unavailable!), promise: nil)
                return
            }
            if response == nil {
                response = context.channel.allocator.buffer(string: "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
            }
            context.writeAndFlush(wrapOutboundOut(response!), promise: nil)
        }
    }

    /// The paced producer's `sent` field, as it appears in the event's JSON data: `"sent":"<ns>"`.
    static func sentTimestamp(in body: ByteBuffer) -> UInt64? {
        body.withUnsafeReadableBytes { bytes -> UInt64? in
            let marker = sentMarker
            guard bytes.count > marker.count else { return nil }
            var start = 0
            while start + marker.count <= bytes.count {
                if bytes[start] == marker[0], zip(marker.indices, marker).allSatisfy({ bytes[start + $0] == $1 }) {
                    var value: UInt64 = 0
                    var index = start + marker.count
                    while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
                        value = value * 10 + UInt64(bytes[index] - 0x30)
                        index += 1
                    }
                    return index > start + marker.count ? value : nil
                }
                start += 1
            }
            return nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
