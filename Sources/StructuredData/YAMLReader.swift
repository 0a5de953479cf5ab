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

    public static func documents(_ text: String) throws(YAMLSyntaxError) -> [JSONValue] {
        var reader = YAMLReader()
        return try reader.readAll(Array(text.utf8))
    }

    public static func documents(_ bytes: [UInt8]) throws(YAMLSyntaxError) -> [JSONValue] {
        var reader = YAMLReader()
        return try reader.readAll(bytes)
    }

    private var anchors: [String: JSONValue] = [:]

    private enum Frame {
        case sequence(items: [JSONValue], anchor: String?)
        case mapping(object: JSONObject, pendingKey: String?, anchor: String?, merged: Set<String>)
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
                        if let anchor = scalar.anchor { anchors[String(cString: anchor)] = value }
                        try Self.add(value, to: &stack, root: &documentRoot, line: line, column: column)
                    case YAML_ALIAS_EVENT:
                        let name = String(cString: event.data.alias.anchor)
                        guard let value = anchors[name] else {
                            throw YAMLSyntaxError(line: line, column: column, problem: "unknown alias '*\(name)'")
                        }
                        try Self.add(value, to: &stack, root: &documentRoot, line: line, column: column)
                    case YAML_SEQUENCE_START_EVENT:
                        guard stack.count < Self.maximumDepth else {
                            throw YAMLSyntaxError(line: line, column: column, problem: "nested too deeply")
                        }
                        let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
                        stack.append(.sequence(items: [], anchor: anchor))
                    case YAML_MAPPING_START_EVENT:
                        guard stack.count < Self.maximumDepth else {
                            throw YAMLSyntaxError(line: line, column: column, problem: "nested too deeply")
                        }
                        let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
                        stack.append(.mapping(object: JSONObject(), pendingKey: nil, anchor: anchor, merged: []))
                    case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                        let value: JSONValue
                        let anchor: String?
                        switch stack.removeLast() {
                        case .sequence(let items, let name):
                            value = .array(items)
                            anchor = name
                        case .mapping(let object, _, let name, _):
                            value = .object(object)
                            anchor = name
                        }
                        if let anchor { anchors[anchor] = value }
                        try Self.add(value, to: &stack, root: &documentRoot, line: line, column: column)
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

    private static func add(
        _ value: JSONValue, to stack: inout [Frame], root: inout JSONValue?, line: Int, column: Int
    ) throws(YAMLSyntaxError) {
        guard let top = stack.popLast() else {
            root = value
            return
        }
        switch top {
        case .sequence(var items, let anchor):
            items.append(value)
            stack.append(.sequence(items: items, anchor: anchor))
        case .mapping(var object, let pendingKey, let anchor, var merged):
            if let key = pendingKey {
                if key == "<<", case .object(let source) = value {
                    // YAML merge key: the mapping's own keys win over merged ones.
                    for (mergedKey, mergedValue) in source where object[mergedKey] == nil {
                        object[mergedKey] = mergedValue
                        merged.insert(mergedKey)
                    }
                } else {
                    object[key] = value
                    merged.remove(key)
                }
                stack.append(.mapping(object: object, pendingKey: nil, anchor: anchor, merged: merged))
            } else {
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
                if object[key] != nil && !merged.contains(key) {
                    throw YAMLSyntaxError(line: line, column: column, problem: "duplicate key '\(key)'")
                }
                stack.append(.mapping(object: object, pendingKey: key, anchor: anchor, merged: merged))
            }
        }
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
