import AdapterModel
import COpenSSL
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
    /// `data.metadata`, built once rather than per event.
    private let metadataObject: JSONValue?

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
        metadataObject = metadata.isEmpty
            ? nil : .object(JSONObject(metadata.keys.sorted().map { ($0, JSONValue.string(metadata[$0]!)) }))
    }

    /// Values are strings in the event. Bytes that are not UTF-8 become U+FFFD, as Go's
    /// encoding/json (and so Argo) does; NUL and control bytes are escaped by the JSON writer.
    public func event(for entry: StreamEntry) -> CloudEvent {
        var values = JSONObject()
        for field in entry.fields ?? [] {
            values[String(decoding: field.name, as: UTF8.self)] = .string(String(decoding: field.value, as: UTF8.self))
        }
        var data = JSONObject([
            ("stream", .string(entry.stream)), ("message_id", .string(entry.id)), ("values", .object(values)),
        ])
        if let metadataObject { data["metadata"] = metadataObject }
        return CloudEvent(
            id: eventID(stream: entry.stream, messageID: entry.id), source: eventSourceName, subject: eventName,
            time: Self.rfc3339(milliseconds: entry.milliseconds ?? 0), data: .object(data))
    }

    /// 32 hex characters derived only from where the entry came from, so a redelivered entry
    /// carries the same id and receivers can drop the duplicate.
    public func eventID(stream: String, messageID: String) -> String {
        var input = idPrefix
        input.reserveCapacity(idPrefix.count + stream.utf8.count + messageID.utf8.count + 2)
        input.append(contentsOf: stream.utf8)
        input.append(0)
        input.append(contentsOf: messageID.utf8)
        input.append(0)
        return SHA256Algorithm.shared.withDigest(of: input) { digest in
            String(unsafeUninitializedCapacity: 32) { out in
                for index in 0..<16 {
                    out[2 * index] = Self.hexDigits[Int(digest[index] >> 4)]
                    out[2 * index + 1] = Self.hexDigits[Int(digest[index] & 0x0F)]
                }
                return 32
            }
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// The entry's own timestamp (the millisecond part of its id), in RFC 3339 UTC at second
    /// precision like the seed's example; the same entry therefore always yields the same event.
    public static func rfc3339(milliseconds: Int64) -> String {
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civilDate(daysSinceEpoch: days)
        var text: [UInt8] = []
        text.reserveCapacity(20)
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
        text.append(UInt8(ascii: "Z"))
        return String(decoding: text, as: UTF8.self)
    }

    /// Proleptic Gregorian date for a day count since 1970-01-01 (era-based arithmetic).
    static func civilDate(daysSinceEpoch: Int64) -> (Int64, Int64, Int64) {
        let shifted = daysSinceEpoch + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
