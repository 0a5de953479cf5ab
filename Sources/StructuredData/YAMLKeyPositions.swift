import CYAML

/// Where each key of a YAML file stands, by field path ("spec.redisStream.example.streams", list
/// items by index: "spec.redisStream.example.streams.0"), one table per document. `YAMLReader`
/// gives values without positions; this second pass over libyaml's events lets an error about a
/// field name the line and column to look at. Aliases and merge keys add no positions.
public enum YAMLKeyPositions {
    public struct Position: Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let column: Int

        public init(line: Int, column: Int) {
            self.line = line
            self.column = column
        }

        public var description: String { "line \(line), column \(column)" }
    }

    /// One table per document; empty when the text is not YAML (the reader reports that itself).
    public static func documents(_ text: String) -> [[String: Position]] {
        let bytes = Array(text.utf8)
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return [] }
        defer { yaml_parser_delete(&parser) }
        var tables: [[String: Position]] = []
        var table: [String: Position] = [:]
        // Per open collection: its path, whether it is a list, the next list index, and for a map
        // whether the next scalar is a key (and the key's path while its value is read).
        struct Frame {
            var path: String
            var isSequence: Bool
            var index = 0
            var pendingKey: String?
        }
        var stack: [Frame] = []

        func child(_ frame: Frame, _ name: String) -> String { frame.path.isEmpty ? name : frame.path + "." + name }

        /// The path a value starting now takes, consuming the key or list slot it fills.
        func placeValue() -> String? {
            guard var top = stack.popLast() else { return "" }
            defer { stack.append(top) }
            if top.isSequence {
                top.index += 1
                return child(top, String(top.index - 1))
            }
            let key = top.pendingKey
            top.pendingKey = nil
            return key
        }

        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var finished = false
            while !finished {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return }
                defer { yaml_event_delete(&event) }
                let position = Position(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1)
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    finished = true
                case YAML_DOCUMENT_START_EVENT:
                    table = [:]
                    stack = []
                case YAML_DOCUMENT_END_EVENT:
                    tables.append(table)
                case YAML_SCALAR_EVENT, YAML_ALIAS_EVENT:
                    if let top = stack.last, !top.isSequence, top.pendingKey == nil {
                        // A key: remember where it stands; its value comes next.
                        let text: String
                        if event.type == YAML_SCALAR_EVENT {
                            let scalar = event.data.scalar
                            text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
                        } else {
                            text = "*"
                        }
                        let path = child(top, text)
                        table[path] = table[path] ?? position
                        stack[stack.count - 1].pendingKey = path
                    } else if let path = placeValue(), stack.last?.isSequence == true {
                        table[path] = table[path] ?? position
                    }
                case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                    let inList = stack.last?.isSequence == true
                    let path = placeValue() ?? ""
                    if inList { table[path] = table[path] ?? position }
                    stack.append(Frame(path: path, isSequence: event.type == YAML_SEQUENCE_START_EVENT))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    _ = stack.popLast()
                default:
                    break
                }
            }
        }
        return tables
    }

    /// The position of `path`, or of its nearest ancestor that has one.
    public static func nearest(_ path: String, in table: [String: Position]) -> Position? {
        var candidate = Substring(path)
        while !candidate.isEmpty {
            if let position = table[String(candidate)] { return position }
            guard let dot = candidate.lastIndex(of: ".") else { return nil }
            candidate = candidate[..<dot]
        }
        return nil
    }
}
