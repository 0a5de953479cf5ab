#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Logging
import StructuredData

/// Writes each log record as one line on standard error, as text or as a JSON object, with a
/// millisecond RFC 3339 timestamp. One write(2) per line keeps lines whole when threads log at once.
struct LogLineHandler: LogHandler {
    let label: String
    let format: LogFormat
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    /// Metadata keys that JSON lines carry as fields of their own, in this order, when known.
    static let identityKeys = ["namespace", "eventsource", "event"]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let level = event.level
        let message = event.message
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { _, new in new } }
        if let error = event.error { merged["error"] = "\(error)" }
        let time = Date().formatted(Self.timestampStyle)
        let text: String
        switch format {
        case .text: text = Self.textLine(time: time, level: level, label: label, metadata: merged, message: "\(message)")
        case .json: text = Self.jsonLine(time: time, level: level, label: label, metadata: merged, message: "\(message)")
        }
        var bytes = Array(text.utf8)
        bytes.append(UInt8(ascii: "\n"))
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    static let timestampStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    static func textLine(
        time: String, level: Logger.Level, label: String, metadata: Logger.Metadata, message: String
    ) -> String {
        let pairs = metadata.keys.sorted().map { "\($0)=\(metadata[$0]!)" }
        let context = pairs.isEmpty ? "" : " " + pairs.joined(separator: " ")
        return "\(time) \(level) \(label):\(context) \(message)"
    }

    /// `time`, `level`, `logger`, `msg`, then namespace/eventsource/event, then the rest sorted.
    static func jsonLine(
        time: String, level: Logger.Level, label: String, metadata: Logger.Metadata, message: String
    ) -> String {
        var fields: [(String, JSONValue)] = [
            ("time", .string(time)), ("level", .string(level.rawValue)), ("logger", .string(label)),
            ("msg", .string(message)),
        ]
        for key in identityKeys { if let value = metadata[key] { fields.append((key, .string("\(value)"))) } }
        for key in metadata.keys.sorted() where !identityKeys.contains(key) {
            fields.append((key, .string("\(metadata[key]!)")))
        }
        return JSONWriter.string(.object(JSONObject(fields)))
    }
}
