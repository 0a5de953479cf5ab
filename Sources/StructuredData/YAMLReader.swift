import CYAML

/// A YAML syntax or structure error, with the 1-based line and column libyaml reported.
public struct YAMLSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let problem: String
    public var description: String { "line \(line), column \(column): \(problem)" }
}

/// Reads YAML (one or many `---` documents) into `JSONValue`s through libyaml's event parser.
/// Plain scalars resolve with the YAML 1.2 core schema, as Kubernetes tooling does for manifests.
public struct YAMLReader {
    /// Nesting beyond this is refused rather than risking the stack on hostile input.
    public static let maximumDepth = 256
    /// Nodes in all documents, each alias counted as the whole subtree it repeats. Aliases share storage,
    /// so reading stays cheap, but anything that later walks the values (equality, writing JSON) pays
    /// for every repetition: this bounds that walk, and stops "billion laughs" documents.
    public static let maximumExpandedNodes = 10_000_000

    /// The work one read did, for tests that check it grows linearly with the input.
    public struct Work: Sendable, Equatable {
        /// libyaml events handled.
        public var events = 0
        /// List elements copied into new storage, by growth or by copy-on-write: linear reading keeps
        /// this below twice the number of elements.
        public var elementsCopied = 0
        public var expandedNodes = 0
    }

    public static func documents(_ text: String) throws(YAMLSyntaxError) -> [JSONValue] {
        var reader = YAMLReader()
        return try reader.readAll(Array(text.utf8))
    }

    public static func documents(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [JSONValue] {
        var reader = YAMLReader()
        return try reader.readAll(bytes)
    }

    /// Like `documents`, also returning the work done.
    public static func documentsCountingWork(_ text: String) throws(YAMLSyntaxError) -> (documents: [JSONValue], work: Work) {
        var reader = YAMLReader()
        let documents = try reader.readAll(Array(text.utf8))
        return (documents, reader.work)
    }

    private var anchors: [String: (value: JSONValue, nodes: Int)] = [:]
    private var work = Work()

    /// A list or map being read. Frames are changed in place on the stack (never taken out and put
    /// back), so appending to a long list does not copy it.
    private struct Frame {
        var isSequence: Bool
        var items: [JSONValue] = []
        var object = JSONObject()
        var pendingKey: String?
        var anchor: String?
        var merged: Set<String> = []
        /// Nodes below this one, aliases expanded.
        var nodes = 0
    }

    private mutating func readAll(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [JSONValue] {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            throw YAMLSyntaxError(line: 0, column: 0, problem: "libyaml could not initialise a parser")
        }
        defer { yaml_parser_delete(&parser) }
        var documents: [JSONValue] = []
        var stack: [Frame] = []
        var documentRoot: JSONValue?
        var failure: YAMLSyntaxError?

        bytes.withUnsafeBufferPointer { buffer in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var finished = false
            while !finished && failure == nil {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
                    let context = parser.context.map { String(cString: $0) + ": " } ?? ""
                    failure = YAMLSyntaxError(
                        line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1,
                        problem: context + problem)
                    break
                }
                defer { yaml_event_delete(&event) }
                work.events += 1
                let line = Int(event.start_mark.line) + 1
                let column = Int(event.start_mark.column) + 1
                do throws(YAMLSyntaxError) {
                    switch event.type {
                    case YAML_STREAM_END_EVENT:
                        finished = true
                    case YAML_DOCUMENT_START_EVENT:
                        documentRoot = nil
                        anchors = [:]
                    case YAML_DOCUMENT_END_EVENT:
                        documents.append(documentRoot ?? .null)
                        documentRoot = nil
                    case YAML_SCALAR_EVENT:
                        let scalar = event.data.scalar
                        let text = String(
                            decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
                        let tag = scalar.tag.map { String(cString: $0) }
                        let value = try Self.resolve(
                            text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, tag: tag, line: line, column: column)
                        if let anchor = scalar.anchor { anchors[String(cString: anchor)] = (value, 1) }
                        try add(value, nodes: 1, to: &stack, root: &documentRoot, line: line, column: column)
                    case YAML_ALIAS_EVENT:
                        let name = String(cString: event.data.alias.anchor)
                        guard let anchored = anchors[name] else {
                            throw YAMLSyntaxError(line: line, column: column, problem: "unknown alias '*\(name)'")
                        }
                        try add(anchored.value, nodes: anchored.nodes, to: &stack, root: &documentRoot, line: line, column: column)
                    case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                        guard stack.count < Self.maximumDepth else {
                            throw YAMLSyntaxError(line: line, column: column, problem: "nested too deeply")
                        }
                        let isSequence = event.type == YAML_SEQUENCE_START_EVENT
                        let anchor = (isSequence ? event.data.sequence_start.anchor : event.data.mapping_start.anchor)
                            .map { String(cString: $0) }
                        stack.append(Frame(isSequence: isSequence, anchor: anchor))
                    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                        let frame = stack.removeLast()
                        let value: JSONValue = frame.isSequence ? .array(frame.items) : .object(frame.object)
                        if let anchor = frame.anchor { anchors[anchor] = (value, frame.nodes + 1) }
                        try add(value, nodes: frame.nodes + 1, to: &stack, root: &documentRoot, line: line, column: column)
                    default:
                        break
                    }
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
        return documents
    }

    private mutating func add(
        _ value: JSONValue, nodes: Int, to stack: inout [Frame], root: inout JSONValue?, line: Int, column: Int
    ) throws(YAMLSyntaxError) {
        work.expandedNodes += nodes
        guard work.expandedNodes <= Self.maximumExpandedNodes else {
            throw YAMLSyntaxError(
                line: line, column: column,
                problem: "more than \(Self.maximumExpandedNodes) nodes with aliases expanded; refusing to read further")
        }
        guard !stack.isEmpty else {
            root = value
            return
        }
        let top = stack.count - 1
        stack[top].nodes += nodes
        if stack[top].isSequence {
            appendCountingCopies(value, to: &stack[top].items)
            return
        }
        guard let key = stack[top].pendingKey else {
            let key: String
            switch value {
            case .string(let text): key = text
            case .int(let number): key = String(number)
            case .bool(let flag): key = flag ? "true" : "false"
            case .double(let number): key = "\(number)"
            case .null: key = "null"
            case .array, .object:
                throw YAMLSyntaxError(line: line, column: column, problem: "a map key must be a scalar")
            }
            if stack[top].object[key] != nil && !stack[top].merged.contains(key) {
                throw YAMLSyntaxError(line: line, column: column, problem: "duplicate key '\(key)'")
            }
            stack[top].pendingKey = key
            return
        }
        stack[top].pendingKey = nil
        if key == "<<", case .object(let source) = value {
            // YAML merge key: the mapping's own keys win over merged ones.
            for (mergedKey, mergedValue) in source where stack[top].object[mergedKey] == nil {
                stack[top].object[mergedKey] = mergedValue
                stack[top].merged.insert(mergedKey)
            }
        } else {
            stack[top].object[key] = value
            stack[top].merged.remove(key)
        }
    }

    /// Appends in place, counting the elements moved whenever the storage changes (growth or a copy).
    private mutating func appendCountingCopies(_ value: JSONValue, to items: inout [JSONValue]) {
        let before = items.withUnsafeBufferPointer { $0.baseAddress }
        let count = items.count
        items.append(value)
        if count > 0, items.withUnsafeBufferPointer({ $0.baseAddress }) != before { work.elementsCopied += count }
    }

    static func resolve(_ text: String, plain: Bool, tag: String?, line: Int, column: Int) throws(YAMLSyntaxError) -> JSONValue {
        switch tag {
        case "tag:yaml.org,2002:str": return .string(text)
        case "tag:yaml.org,2002:int":
            guard let number = integer(text) else {
                throw YAMLSyntaxError(line: line, column: column, problem: "'\(text)' is not an integer")
            }
            return .int(number)
        case "tag:yaml.org,2002:bool":
            guard let flag = boolean(text) else {
                throw YAMLSyntaxError(line: line, column: column, problem: "'\(text)' is not a boolean")
            }
            return .bool(flag)
        case "tag:yaml.org,2002:null": return .null
        default: break
        }
        guard plain else { return .string(text) }
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        default: break
        }
        if let flag = boolean(text) { return .bool(flag) }
        if let number = integer(text) { return .int(number) }
        if let number = float(text) { return .double(number) }
        return .string(text)
    }

    private static func boolean(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: return nil
        }
    }

    private static func integer(_ text: String) -> Int64? {
        if text.hasPrefix("0x") { return Int64(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int64(text.dropFirst(2), radix: 8) }
        guard let first = text.utf8.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+")
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return nil }
        return Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
    }

    private static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard let first = text.utf8.first,
            first == UInt8(ascii: "-") || first == UInt8(ascii: "+") || first == UInt8(ascii: ".")
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first),
            text.utf8.allSatisfy({ byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                    || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "+")
            })
        else { return nil }
        return Double(text)
    }
}
