import StructuredData

/// One line of a watch stream.
public struct WatchEvent: Sendable, Equatable {
    public enum EventType: String, Sendable {
        case added = "ADDED"
        case modified = "MODIFIED"
        case deleted = "DELETED"
        case bookmark = "BOOKMARK"
        case error = "ERROR"
    }

    public let type: EventType
    public let object: JSONValue

    public init(type: EventType, object: JSONValue) {
        self.type = type
        self.object = object
    }

    public init(line: [UInt8]) throws(KubeError) {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            throw .malformedResponse("watch event is not JSON: \(error)")
        }
        guard let typeText = value["type"]?.stringValue, let type = EventType(rawValue: typeText) else {
            // Not the line itself: on a Secret watch it could carry Secret data into a log.
            throw .malformedResponse("watch event has no known type (a line of \(line.count) bytes)")
        }
        guard let object = value["object"], object.objectValue != nil else {
            throw .malformedResponse("watch event has no object")
        }
        self.init(type: type, object: object)
    }

    /// The resourceVersion the event brings the watch to.
    public var resourceVersion: String? { object["metadata"]?["resourceVersion"]?.stringValue }
}

/// Cuts a byte stream into lines; a line split over several chunks comes out whole.
public struct LineAssembler: Sendable {
    private var partial: [UInt8] = []

    public init() {}

    /// The complete, non-empty lines this chunk finishes.
    public mutating func append(_ chunk: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var start = chunk.startIndex
        for index in chunk.indices where chunk[index] == UInt8(ascii: "\n") {
            var line = partial
            line.append(contentsOf: chunk[start..<index])
            partial = []
            start = index + 1
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            if !line.isEmpty { lines.append(line) }
        }
        partial.append(contentsOf: chunk[start...])
        return lines
    }

    /// Bytes of a line not yet finished.
    public var pendingByteCount: Int { partial.count }

    /// Drops an unfinished line, when its stream ended before the line did.
    public mutating func discardPartialLine() {
        partial = []
    }
}
