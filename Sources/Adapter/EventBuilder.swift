import AdapterModel
import COpenSSL
import FilterExpression
import Sinks
import StructuredData

/// Turns stream entries of one redisStream entry into CloudEvents shaped as Argo Events shapes them.
public struct EventBuilder: Sendable {
    public let namespace: String
    public let eventSourceName: String
    public let eventName: String
    public let metadata: [String: String]

    /// The id's hash input up to the stream: the same for every entry of this adapter.
    private let idPrefix: [UInt8]
    private let dataEncoder: EventDataEncoder

    public init(namespace: String, eventSourceName: String, eventName: String, metadata: [String: String]) {
        self.namespace = namespace
        self.eventSourceName = eventSourceName
        self.eventName = eventName
        self.metadata = metadata
        var prefix: [UInt8] = []
        for part in [namespace, eventSourceName, eventName] {
            prefix.append(contentsOf: part.utf8)
            prefix.append(0)
        }
        idPrefix = prefix
        dataEncoder = EventDataEncoder(metadata: metadata)
    }

    /// Values are strings in the event. Bytes that are not UTF-8 become U+FFFD, as Go's
    /// encoding/json (and so Argo) does; NUL and control bytes are escaped. The data is written
    /// as JSON straight from the entry's bytes (see `EventDataEncoder`).
    public func event(for entry: StreamEntry) -> CloudEvent {
        CloudEvent(
            id: eventID(stream: entry.stream, messageID: entry.id), source: eventSourceName, subject: eventName,
            time: Self.rfc3339(milliseconds: entry.milliseconds ?? 0), encodedData: dataEncoder.encode(entry))
    }

    /// 32 hex characters derived only from where the entry came from, so a redelivered entry
    /// carries the same id and receivers can drop the duplicate.
    public func eventID(stream: String, messageID: String) -> String {
        var stream = stream
        var messageID = messageID
        let length = idPrefix.count + stream.utf8.count + messageID.utf8.count + 2
        // The hash input lives on the stack: no array per event.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length) { input in
            var end = 0
            func append(_ part: UnsafeBufferPointer<UInt8>, terminated: Bool) {
                _ = UnsafeMutableBufferPointer(rebasing: input[end..<end + part.count]).initialize(fromContentsOf: part)
                end += part.count
                if terminated {
                    input[end] = 0
                    end += 1
                }
            }
            idPrefix.withUnsafeBufferPointer { append($0, terminated: false) }
            stream.withUTF8 { append($0, terminated: true) }
            messageID.withUTF8 { append($0, terminated: true) }
            return SHA256Algorithm.shared.withDigest(of: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: input[..<end]))) { digest in
                String(unsafeUninitializedCapacity: 32) { out in
                    for index in 0..<16 {
                        out[2 * index] = Self.hexDigits[Int(digest[index] >> 4)]
                        out[2 * index + 1] = Self.hexDigits[Int(digest[index] & 0x0F)]
                    }
                    return 32
                }
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The entry's own timestamp (the millisecond part of its id), in RFC 3339 UTC with its
    /// milliseconds, always three digits (`2026-12-07T13:49:44.123Z`): entries of one second keep
    /// their order, and the same entry always yields the same event (Argo stamps the publish time
    /// instead, which differs on every redelivery).
    public static func rfc3339(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let millisecond = milliseconds - seconds * 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = CivilCalendar.date(daysSinceEpoch: days)
        if (0...9999).contains(year) {
            // Every stream entry's time: twenty-four bytes written in place, no buffer in between.
            return String(unsafeUninitializedCapacity: 24) { out in
                func put(_ value: Int64, at position: Int, width: Int) {
                    var rest = value
                    for offset in stride(from: width - 1, through: 0, by: -1) {
                        out[position + offset] = UInt8(ascii: "0") + UInt8(rest % 10)
                        rest /= 10
                    }
                }
                put(year, at: 0, width: 4)
                put(month, at: 5, width: 2)
                put(day, at: 8, width: 2)
                put(secondOfDay / 3600, at: 11, width: 2)
                put(secondOfDay % 3600 / 60, at: 14, width: 2)
                put(secondOfDay % 60, at: 17, width: 2)
                put(millisecond, at: 20, width: 3)
                out[4] = UInt8(ascii: "-")
                out[7] = UInt8(ascii: "-")
                out[10] = UInt8(ascii: "T")
                out[13] = UInt8(ascii: ":")
                out[16] = UInt8(ascii: ":")
                out[19] = UInt8(ascii: ".")
                out[23] = UInt8(ascii: "Z")
                return 24
            }
        }
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func digits(_ value: Int64, _ width: Int) {
            var divisor: Int64 = 1
            for _ in 1..<width { divisor *= 10 }
            var rest = max(0, value)
            if rest >= divisor * 10 { text.append(contentsOf: String(rest / (divisor * 10)).utf8); rest %= divisor * 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(rest / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        text.append(UInt8(ascii: "-"))
        digits(month, 2)
        text.append(UInt8(ascii: "-"))
        digits(day, 2)
        text.append(UInt8(ascii: "T"))
        digits(secondOfDay / 3600, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay % 3600 / 60, 2)
        text.append(UInt8(ascii: ":"))
        digits(secondOfDay % 60, 2)
        text.append(UInt8(ascii: "."))
        digits(millisecond, 3)
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }
}
