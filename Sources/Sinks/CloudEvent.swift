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
    /// `{"stream", "message_id", "values", "metadata"?}`. An event built from a stream entry holds
    /// its data as JSON text; reading this parses it, so hot paths use `writeData(into:)` instead.
    public var data: JSONValue {
        get {
            switch payload {
            case .value(let value): return value
            case .encoded(let bytes):
                // The bytes come from `init(encodedData:)`, whose caller promises JSONWriter's output.
                return (try? JSONParser.parse(bytes)) ?? .null
            }
        }
        set { payload = .value(newValue) }
    }

    private enum Payload: Sendable {
        case value(JSONValue)
        case encoded([UInt8])
    }

    private var payload: Payload

    public init(id: String, source: String, subject: String, time: String, data: JSONValue) {
        self.id = id
        self.source = source
        self.subject = subject
        self.time = time
        self.payload = .value(data)
    }

    /// An event whose data is already JSON: exactly the bytes `JSONWriter` writes for it (compact,
    /// keys in order, the writer's escaping), so every output stays the same as for a `JSONValue`.
    public init(id: String, source: String, subject: String, time: String, encodedData: [UInt8]) {
        self.id = id
        self.source = source
        self.subject = subject
        self.time = time
        self.payload = .encoded(encodedData)
    }

    /// Appends `data` as JSON, without parsing it when it came as JSON text.
    public func writeData(into out: inout [UInt8]) {
        switch payload {
        case .value(let value): JSONWriter.write(value, into: &out)
        case .encoded(let bytes): out.append(contentsOf: bytes)
        }
    }

    public static func == (lhs: CloudEvent, rhs: CloudEvent) -> Bool {
        guard lhs.id == rhs.id, lhs.source == rhs.source, lhs.specversion == rhs.specversion, lhs.type == rhs.type,
            lhs.datacontenttype == rhs.datacontenttype, lhs.subject == rhs.subject, lhs.time == rhs.time
        else { return false }
        if case .encoded(let left) = lhs.payload, case .encoded(let right) = rhs.payload { return left == right }
        return lhs.data == rhs.data
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
    /// maps or even the attribute list first: this runs once per event on the stdout path.
    public func writeArgoEnvelope(into out: inout [UInt8]) {
        out.append(contentsOf: #"{"context":"#.utf8)
        writeAttributes(into: &out)
        out.append(contentsOf: #"},"data":"#.utf8)
        writeData(into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// Appends `structuredFormat` as JSON, byte for byte the same, without building it first.
    public func writeStructuredFormat(into out: inout [UInt8]) {
        writeAttributes(into: &out)
        out.append(contentsOf: #","data":"#.utf8)
        writeData(into: &out)
        out.append(UInt8(ascii: "}"))
    }

    /// `{"id":…,…,"time":…` with no closing brace.
    private func writeAttributes(into out: inout [UInt8]) {
        for (position, prefix) in Self.attributePrefixes.enumerated() {
            out.append(contentsOf: prefix)
            JSONWriter.writeString(attribute(at: position), into: &out)
        }
    }

    /// What goes before each attribute's value, in `attributes` order.
    private static let attributePrefixes: [[UInt8]] = ["id", "source", "specversion", "type", "datacontenttype", "subject", "time"]
        .enumerated().map { Array(($0.offset == 0 ? "{" : ",").utf8) + Array("\"\($0.element)\":".utf8) }

    private func attribute(at position: Int) -> String {
        switch position {
        case 0: id
        case 1: source
        case 2: specversion
        case 3: type
        case 4: datacontenttype
        case 5: subject
        default: time
        }
    }

    /// The CloudEvents JSON format: attributes at the top level, the payload under `data`.
    public var structuredFormat: JSONValue {
        var object = JSONObject()
        for (name, value) in attributes { object[name] = .string(value) }
        object["data"] = data
        return .object(object)
    }
}
