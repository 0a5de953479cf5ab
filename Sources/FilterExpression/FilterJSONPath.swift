/// Argo's `jsonpath(jsonString, path)`: a JSONPath query over a JSON document. A definite path
/// (`$.a.b[0]`) gives its value; a path with a wildcard, recursive descent, union or slice
/// gives a list. A key or index that is not there is an error, as in Argo.
/// Supported: `$`, `.name`, `['name']`, `["name"]`, `[n]` (negative from the end), `*`, `[*]`,
/// `..name`, `..*`, unions `[0,2]` / `['a','b']` and slices `[start:end:step]`. Filter
/// expressions `[?(...)]` and script expressions `[(...)]` are not supported.
struct FilterJSONPath {
    struct PathError: Error, CustomStringConvertible {
        let description: String
    }

    private enum Selector {
        case key(String)
        case index(Int)
        case wildcard
        case union([Selector])
        case slice(start: Int?, end: Int?, step: Int)
        indirect case descendants(Selector)

        var isDefinite: Bool {
            switch self {
            case .key, .index: return true
            default: return false
            }
        }
    }

    private let selectors: [Selector]

    init(_ path: String) throws(PathError) {
        var parser = Parser(scalars: Array(path.unicodeScalars))
        selectors = try parser.parse()
    }

    func query(_ document: FilterValue, budget: FilterBudget, column: Int) throws -> FilterValue {
        var current = [document]
        for selector in selectors {
            var next: [FilterValue] = []
            for value in current {
                try budget.charge(1, column: column)
                try apply(selector, to: value, strict: selectors.allSatisfy(\.isDefinite), into: &next, budget: budget, column: column)
            }
            current = next
        }
        if selectors.allSatisfy(\.isDefinite) { return current.first ?? .null }
        return .list(current)
    }

    private func apply(
        _ selector: Selector, to value: FilterValue, strict: Bool, into output: inout [FilterValue], budget: FilterBudget,
        column: Int
    ) throws {
        switch (selector, value) {
        case (.key(let name), .map(let entries)):
            if let found = entries[name] { output.append(found) } else if strict { throw PathError(description: "key '\(name)' not found") }
        case (.index(let requested), .list(let items)):
            let index = requested < 0 ? items.count + requested : requested
            if index >= 0, index < items.count { output.append(items[index]) } else if strict {
                throw PathError(description: "index \(requested) out of range")
            }
        case (.wildcard, .list(let items)): output.append(contentsOf: items)
        case (.wildcard, .map(let entries)):
            output.append(contentsOf: entries.keys.sorted(by: GoFormatting.utf8Less).map { entries[$0]! })
        case (.union(let members), _):
            for member in members {
                try apply(member, to: value, strict: false, into: &output, budget: budget, column: column)
            }
        case (.slice(let start, let end, let step), .list(let items)):
            guard step != 0 else { throw PathError(description: "slice step must not be 0") }
            let count = items.count
            func clamp(_ bound: Int?, _ fallback: Int) -> Int {
                guard let bound else { return fallback }
                return Swift.max(0, Swift.min(count, bound < 0 ? count + bound : bound))
            }
            if step > 0 {
                var position = clamp(start, 0)
                let stop = clamp(end, count)
                while position < stop {
                    output.append(items[position])
                    let (next, overflow) = position.addingReportingOverflow(step)
                    if overflow { break }
                    position = next
                }
            } else {
                var position = Swift.min(clamp(start, count - 1), count - 1)
                let stop = end.map { clamp($0, -1) } ?? -1
                while position > stop, position >= 0 {
                    output.append(items[position])
                    let (next, overflow) = position.addingReportingOverflow(step)
                    if overflow { break }
                    position = next
                }
            }
        case (.descendants(let inner), _):
            var stack = [value]
            while let node = stack.popLast() {
                try budget.charge(1, column: column)
                try apply(inner, to: node, strict: false, into: &output, budget: budget, column: column)
                switch node {
                case .list(let items): stack.append(contentsOf: items.reversed())
                case .map(let entries): stack.append(contentsOf: entries.keys.sorted(by: GoFormatting.utf8Less).reversed().map { entries[$0]! })
                default: break
                }
            }
        default:
            if strict { throw PathError(description: "cannot apply the path to a \(value.kindName)") }
        }
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var index = 0

        mutating func parse() throws(PathError) -> [Selector] {
            guard scalars.first == "$" else { throw PathError(description: "a JSONPath must start with '$'") }
            index = 1
            var selectors: [Selector] = []
            while index < scalars.count {
                if scalars[index] == "." {
                    index += 1
                    if index < scalars.count, scalars[index] == "." {
                        index += 1
                        let inner = index < scalars.count && scalars[index] == "[" ? try bracket() : try dotted()
                        selectors.append(.descendants(inner))
                    } else {
                        selectors.append(try dotted())
                    }
                } else if scalars[index] == "[" {
                    selectors.append(try bracket())
                } else {
                    throw PathError(description: "unexpected '\(scalars[index])' at offset \(index)")
                }
            }
            return selectors
        }

        mutating func dotted() throws(PathError) -> Selector {
            if index < scalars.count, scalars[index] == "*" { index += 1; return .wildcard }
            let start = index
            while index < scalars.count, scalars[index] != ".", scalars[index] != "[" { index += 1 }
            guard index > start else { throw PathError(description: "expected a name at offset \(start)") }
            return .key(String(String.UnicodeScalarView(scalars[start..<index])))
        }

        mutating func bracket() throws(PathError) -> Selector {
            index += 1
            guard let close = scalars[index...].firstIndex(of: "]") else { throw PathError(description: "unclosed '['") }
            let body = String(String.UnicodeScalarView(scalars[index..<close])).trimmingSpaces
            index = close + 1
            if body == "*" { return .wildcard }
            if body.hasPrefix("?") || body.hasPrefix("(") {
                throw PathError(description: "filter and script expressions are not supported")
            }
            if body.contains(":") {
                let parts = body.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmingSpaces }
                guard parts.count <= 3 else { throw PathError(description: "invalid slice '\(body)'") }
                func bound(_ text: String?) throws(PathError) -> Int? {
                    guard let text, !text.isEmpty else { return nil }
                    guard let number = Int(text) else { throw PathError(description: "invalid slice bound '\(text)'") }
                    return number
                }
                return .slice(start: try bound(parts[0]), end: try bound(parts.count > 1 ? parts[1] : nil), step: try bound(parts.count > 2 ? parts[2] : nil) ?? 1)
            }
            var members: [Selector] = []
            for part in body.split(separator: ",").map({ String($0).trimmingSpaces }) {
                if let number = Int(part) {
                    members.append(.index(number))
                } else if part.count >= 2, let quote = part.first, quote == "'" || quote == "\"", part.last == quote {
                    members.append(.key(String(part.dropFirst().dropLast())))
                } else {
                    throw PathError(description: "invalid selector '[\(part)]'")
                }
            }
            guard !members.isEmpty else { throw PathError(description: "empty '[]'") }
            return members.count == 1 ? members[0] : .union(members)
        }
    }
}

extension String {
    var trimmingSpaces: String {
        GoStrings.trim(self, where: GoStrings.isSpace)
    }
}
