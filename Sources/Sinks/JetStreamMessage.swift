import CNats
import EventSourceAPI
import StructuredData

/// The message Argo's EventSource publishes for an event, and the stream it lands in.
enum JetStreamMessage {
    /// Argo's one stream for every EventSource (`v1alpha1.JetStreamStreamName`).
    static let streamName = "default"
    static let streamSubjects = "default.*.*"

    /// `default.<eventSourceName>.<eventName>`, which Sensors subscribe to.
    static func subject(eventSourceName: String, eventName: String) -> String {
        "\(streamName).\(eventSourceName).\(eventName)"
    }

    /// The structured CloudEvent in JSON, as the CloudEvents Go SDK's `WriteJson` marshals it for
    /// Argo: attributes in the SDK's order, then `data` as the JSON object itself.
    static func writeBody(of event: CloudEvent, into out: inout [UInt8]) {
        let attributes: [(String, String)] = [
            ("specversion", event.specversion), ("id", event.id), ("source", event.source), ("type", event.type),
            ("subject", event.subject), ("datacontenttype", event.datacontenttype), ("time", event.time),
        ]
        out.append(UInt8(ascii: "{"))
        for (name, value) in attributes {
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.writeString(value, into: &out)
            out.append(UInt8(ascii: ","))
        }
        out.append(contentsOf: #""data":"#.utf8)
        event.writeData(into: &out)
        out.append(UInt8(ascii: "}"))
    }

    static func body(of event: CloudEvent) -> [UInt8] {
        var out: [UInt8] = []
        writeBody(of: event, into: &out)
        return out
    }

    /// Calls `body` with the stream's configuration as Argo builds it: file storage, the
    /// settings given, and nats-server's defaults for anything left at 0.
    static func withStreamConfig(
        _ settings: JetStreamStreamSettings, _ body: (UnsafeMutablePointer<jsStreamConfig>) -> natsStatus
    ) -> natsStatus {
        var config = jsStreamConfig()
        jsStreamConfig_Init(&config)
        return streamName.withCString { name in
            streamSubjects.withCString { subjects in
                var subjectList: [UnsafePointer<CChar>?] = [subjects]
                return subjectList.withUnsafeMutableBufferPointer { list in
                    config.Name = name
                    config.Subjects = list.baseAddress
                    config.SubjectsLen = 1
                    config.Storage = js_FileStorage
                    config.Retention = jsRetentionPolicy(rawValue: UInt32(settings.retention.rawValue))
                    config.Discard = jsDiscardPolicy(rawValue: UInt32(settings.discard.rawValue))
                    if settings.maxMsgs != 0 { config.MaxMsgs = settings.maxMsgs }
                    if settings.maxBytes != 0 { config.MaxBytes = settings.maxBytes }
                    if settings.maxAge != 0 { config.MaxAge = settings.maxAge }
                    if settings.replicas != 0 { config.Replicas = Int64(settings.replicas) }
                    if settings.duplicates != 0 { config.Duplicates = settings.duplicates }
                    return body(&config)
                }
            }
        }
    }
}
