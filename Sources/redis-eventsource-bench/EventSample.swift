import Adapter
import EventSourceAPI
import Sinks

/// The HTTP request the product sends for one entry of the bench stream, built with the
/// product's own EventBuilder and CloudEventHTTPMessage, so wrk's load has the same headers
/// and body size as the real events rather than a guess at them.
struct EventSample {
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    init(manifest: BenchManifest, stream: String) {
        let builder = EventBuilder(
            namespace: manifest.namespace, eventSourceName: manifest.eventSourceName, eventName: manifest.eventName,
            metadata: [:])
        // A mid-run entry: ids and counters then have their typical width.
        let fields = StreamFiller.fields(123_456)
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        var index = 0
        while index + 1 < fields.count {
            pairs.append((Array(fields[index].utf8), Array(fields[index + 1].utf8)))
            index += 2
        }
        let entry = StreamEntry(stream: stream, id: "1700000000000-123", fields: pairs)
        let message = CloudEventHTTPMessage(builder.event(for: entry), mode: .binary)
        // libcurl adds these two to every request the sink makes; wrk adds Host and Content-Length itself.
        headers = message.headers.map { ($0.name, $0.value) }
            + [("User-Agent", HTTPSinkOptions().userAgent), ("Accept", "*/*")]
        body = message.body
    }

    /// Request line, headers and body as they go over the wire, for the report.
    func wireSize(port: Int) -> Int {
        let requestLine = "POST / HTTP/1.1\r\n".utf8.count
        let fixed = "Host: 127.0.0.1:\(port)\r\n".utf8.count + "Content-Length: \(body.count)\r\n".utf8.count + 2
        return requestLine + fixed + headers.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 4 } + body.count
    }
}
