import EventSourceAPI
import StructuredData

/// The headers and body that carry one CloudEvent in an HTTP request, per the CloudEvents
/// HTTP protocol binding 1.0.
public struct CloudEventHTTPMessage: Sendable, Equatable {
    public static let structuredContentType = "application/cloudevents+json"

    public struct Header: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    /// In the order they are sent.
    public let headers: [Header]
    public let body: [UInt8]

    public init(_ event: CloudEvent, mode: SinkSpec.Mode) {
        var headers: [Header] = []
        Self.forEachHeader(of: event, mode: mode) { name, value, percentEncode in
            headers.append(Header(name: name, value: percentEncode ? Self.percentEncoded(value) : value))
        }
        self.headers = headers
        var body: [UInt8] = []
        Self.writeBody(of: event, mode: mode, into: &body)
        self.body = body
    }

    /// The header fields in the order they are sent, each with its raw value and whether the
    /// binding's percent-encoding applies to it. The sink writes its request headers from
    /// this too, so what it sends is exactly `headers`.
    static func forEachHeader(
        of event: CloudEvent, mode: SinkSpec.Mode, _ field: (_ name: String, _ value: String, _ percentEncode: Bool) -> Void
    ) {
        switch mode {
        case .binary:
            field("ce-id", event.id, true)
            field("ce-source", event.source, true)
            field("ce-specversion", event.specversion, true)
            field("ce-type", event.type, true)
            field("ce-subject", event.subject, true)
            field("ce-time", event.time, true)
            // datacontenttype travels as Content-Type, not as a ce- header (binding §3.1.1).
            field("Content-Type", event.datacontenttype, false)
        case .structured:
            field("Content-Type", structuredContentType, false)
        }
    }

    /// Appends the body to `out`, which a caller may reuse from event to event.
    static func writeBody(of event: CloudEvent, mode: SinkSpec.Mode, into out: inout [UInt8]) {
        switch mode {
        case .binary: event.writeData(into: &out)
        case .structured: event.writeStructuredFormat(into: &out)
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Binding §3.1.3.2: space, `"`, `%` and every byte outside printable ASCII (0x21–0x7E)
    /// are percent-encoded from their UTF-8 form. This also keeps CR and LF out of headers.
    public static func percentEncoded(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        appendPercentEncoded(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendPercentEncoded(_ value: String, to out: inout [UInt8]) {
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "%") || byte < 0x21 || byte > 0x7E {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
    }
}
