import Foundation

/// What an event's `time` must be for a stream entry: the entry id's milliseconds as RFC 3339 UTC
/// with three fraction digits. The date and clock time come from Foundation's formatter, as an
/// independent check of the adapter's own calendar arithmetic.
public enum EntryTime {
    public static func rfc3339(entryID: String) -> String? {
        guard let milliseconds = entryID.split(separator: "-").first.flatMap({ Int64($0) }), milliseconds >= 0 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let seconds = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(milliseconds / 1000)))
        return String(seconds.dropLast()) + String(format: ".%03dZ", Int(milliseconds % 1000))
    }
}
