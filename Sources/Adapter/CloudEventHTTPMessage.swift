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
        switch mode {
        case .binary:
            // datacontenttype travels as Content-Type, not as a ce- header (binding §3.1.1).
            headers = [
                Header(name: "ce-id", value: Self.percentEncoded(event.id)),
                Header(name: "ce-source", value: Self.percentEncoded(event.source)),
                Header(name: "ce-specversion", value: Self.percentEncoded(event.specversion)),
                Header(name: "ce-type", value: Self.percentEncoded(event.type)),
                Header(name: "ce-subject", value: Self.percentEncoded(event.subject)),
                Header(name: "ce-time", value: Self.percentEncoded(event.time)),
                Header(name: "Content-Type", value: event.datacontenttype),
            ]
            body = JSONWriter.bytes(event.data)
        case .structured:
            headers = [Header(name: "Content-Type", value: Self.structuredContentType)]
            body = JSONWriter.bytes(event.structuredFormat)
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    /// Binding §3.1.3.2: space, `"`, `%` and every byte outside printable ASCII (0x21–0x7E)
    /// are percent-encoded from their UTF-8 form. This also keeps CR and LF out of headers.
    public static func percentEncoded(_ value: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "%") || byte < 0x21 || byte > 0x7E {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
