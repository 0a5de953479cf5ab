import StructuredData

/// A CloudEvents 1.0 event as Argo Events builds it for a Redis stream entry.
public struct CloudEvent: Sendable, Equatable {
    public static let specVersion = "1.0"
    public static let redisStreamType = "redisStream"

    public var id: String
    public var source: String
    public var specversion: String = CloudEvent.specVersion
    public var type: String = CloudEvent.redisStreamType
    public var datacontenttype: String = "application/json"
    public var subject: String
    /// RFC 3339, UTC.
    public var time: String
    /// `{"stream", "message_id", "values", "metadata"?}`.
    public var data: JSONValue

    public init(id: String, source: String, subject: String, time: String, data: JSONValue) {
        self.id = id
        self.source = source
        self.subject = subject
        self.time = time
        self.data = data
    }

    /// The attributes in the order Argo's event context lists them.
    public var attributes: [(name: String, value: String)] {
        [
            ("id", id), ("source", source), ("specversion", specversion), ("type", type),
            ("datacontenttype", datacontenttype), ("subject", subject), ("time", time),
        ]
    }

    /// `{"context": {...}, "data": {...}}`: the shape Argo publishes and the seed documents.
    public var argoEnvelope: JSONValue {
        var context = JSONObject()
        for (name, value) in attributes { context[name] = .string(value) }
        return .object(JSONObject([("context", .object(context)), ("data", data)]))
    }

    /// Appends `argoEnvelope` as JSON, byte for byte the same, without building the envelope's
    /// maps first: this runs once per event on the stdout path.
    public func writeArgoEnvelope(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"context":{"#.utf8)
        var first = true
        for (name, value) in attributes {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeString(name, into: &out)
            out.append(UInt8(ascii: ":"))
            JSONWriter.writeString(value, into: &out)
        }
        out.append(contentsOf: #"},"data":"#.utf8)
        JSONWriter.write(data, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// The CloudEvents JSON format: attributes at the top level, the payload under `data`.
    public var structuredFormat: JSONValue {
        var object = JSONObject()
        for (name, value) in attributes { object[name] = .string(value) }
        object["data"] = data
        return .object(object)
    }
}
