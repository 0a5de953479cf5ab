import Foundation
import StructuredData

/// JSON patch (RFC 6902): add, remove, replace, move, copy and test, with JSON Pointer paths.
enum JSONPatch {
    struct Failure: Error {
        let message: String
    }

    static func apply(_ patch: JSONValue, to document: JSONValue) throws(Failure) -> JSONValue {
        guard let operations = patch.arrayValue else {
            throw Failure(message: "a JSON patch must be a list of operations")
        }
        var document = document
        for (index, operation) in operations.enumerated() {
            guard let op = operation["op"]?.stringValue else {
                throw Failure(message: "operation \(index) has no \"op\"")
            }
            guard let pathText = operation["path"]?.stringValue else {
                throw Failure(message: "operation \(index) (\(op)) has no \"path\"")
            }
            let path = try pointer(pathText)
            switch op {
            case "add":
                document = try add(try value(operation, index), at: path, in: document)
            case "remove":
                document = try remove(at: path, in: document).document
            case "replace":
                _ = try get(path, in: document)
                document = try remove(at: path, in: document).document
                document = try add(try value(operation, index), at: path, in: document)
            case "move":
                let from = try pointer(try fromText(operation, index))
                let removed = try remove(at: from, in: document)
                document = try add(removed.value, at: path, in: removed.document)
            case "copy":
                let from = try pointer(try fromText(operation, index))
                document = try add(try get(from, in: document), at: path, in: document)
            case "test":
                let expected = try value(operation, index)
                let actual = try get(path, in: document)
                guard actual == expected else {
                    throw Failure(
                        message: "testing value \(pathText) failed: expected \(JSONWriter.string(expected)), "
                            + "found \(JSONWriter.string(actual))")
                }
            default:
                throw Failure(message: "unknown operation \"\(op)\"")
            }
        }
        return document
    }

    private static func value(_ operation: JSONValue, _ index: Int) throws(Failure) -> JSONValue {
        guard let value = operation["value"] else { throw Failure(message: "operation \(index) has no \"value\"") }
        return value
    }

    private static func fromText(_ operation: JSONValue, _ index: Int) throws(Failure) -> String {
        guard let from = operation["from"]?.stringValue else { throw Failure(message: "operation \(index) has no \"from\"") }
        return from
    }

    private static func pointer(_ text: String) throws(Failure) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw Failure(message: "path \"\(text)\" must start with \"/\"") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    private static func get(_ path: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        var current = document
        for token in path {
            switch current {
            case .object(let object):
                guard let next = object[token] else { throw Failure(message: "path /\(path.joined(separator: "/")) does not exist") }
                current = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else {
                    throw Failure(message: "path /\(path.joined(separator: "/")) does not exist")
                }
                current = items[index]
            default:
                throw Failure(message: "path /\(path.joined(separator: "/")) does not exist")
            }
        }
        return current
    }

    private static func add(_ value: JSONValue, at path: [String], in document: JSONValue) throws(Failure) -> JSONValue {
        guard let token = path.first else { return value }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            if rest.isEmpty {
                object[token] = value
            } else {
                guard let child = object[token] else {
                    throw Failure(message: "missing parent for path /\(path.joined(separator: "/"))")
                }
                object[token] = try add(value, at: rest, in: child)
            }
            return .object(object)
        case .array(var items):
            if rest.isEmpty {
                if token == "-" {
                    items.append(value)
                } else {
                    guard let index = Int(token), index >= 0, index <= items.count else {
                        throw Failure(message: "array index \(token) is out of bounds")
                    }
                    items.insert(value, at: index)
                }
            } else {
                guard let index = Int(token), items.indices.contains(index) else {
                    throw Failure(message: "array index \(token) is out of bounds")
                }
                items[index] = try add(value, at: rest, in: items[index])
            }
            return .array(items)
        default:
            throw Failure(message: "cannot add below a \(document.typeName)")
        }
    }

    private static func remove(at path: [String], in document: JSONValue) throws(Failure) -> (
        document: JSONValue, value: JSONValue
    ) {
        guard let token = path.first else { throw Failure(message: "cannot remove the whole document") }
        let rest = Array(path.dropFirst())
        switch document {
        case .object(var object):
            guard let child = object[token] else {
                throw Failure(message: "path /\(path.joined(separator: "/")) does not exist")
            }
            if rest.isEmpty {
                object[token] = nil
                return (.object(object), child)
            }
            let removed = try remove(at: rest, in: child)
            object[token] = removed.document
            return (.object(object), removed.value)
        case .array(var items):
            guard let index = Int(token), items.indices.contains(index) else {
                throw Failure(message: "array index \(token) is out of bounds")
            }
            if rest.isEmpty {
                let value = items.remove(at: index)
                return (.array(items), value)
            }
            let removed = try remove(at: rest, in: items[index])
            items[index] = removed.document
            return (.array(items), removed.value)
        default:
            throw Failure(message: "path /\(path.joined(separator: "/")) does not exist")
        }
    }
}
