import StructuredData

/// The JSONPath subset printer columns use: `.a.b`, `.a[0]`, `.a[*]` and `.a[?(@.k=="v")]`.
enum SimpleJSONPath {
    static func evaluate(_ path: String, in object: JSONValue) -> [JSONValue] {
        var expression = path.trimmingSpaces
        if expression.hasPrefix("{") && expression.hasSuffix("}") { expression = String(expression.dropFirst().dropLast()) }
        if expression.hasPrefix("$") { expression.removeFirst() }
        var current: [JSONValue] = [object]
        var rest = Substring(expression)
        while !rest.isEmpty {
            if rest.hasPrefix(".") {
                rest = rest.dropFirst()
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                let key = String(rest[..<end])
                rest = rest[end...]
                if key.isEmpty { continue }
                current = current.compactMap { $0[key] }
            } else if rest.hasPrefix("[") {
                guard let close = closingBracket(rest) else { return [] }
                let inside = String(rest[rest.index(after: rest.startIndex)..<close])
                rest = rest[rest.index(after: close)...]
                current = current.flatMap { select(inside, from: $0) }
            } else {
                return []
            }
        }
        return current
    }

    private static func closingBracket(_ text: Substring) -> Substring.Index? {
        var depth = 0
        var quoted = false
        for index in text.indices {
            let character = text[index]
            if character == "\"" { quoted.toggle() }
            if quoted { continue }
            if character == "[" { depth += 1 }
            if character == "]" {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    private static func select(_ inside: String, from value: JSONValue) -> [JSONValue] {
        guard let items = value.arrayValue else {
            if let key = unquoted(inside), let child = value[key] { return [child] }
            return []
        }
        if inside == "*" { return items }
        if let index = Int(inside) {
            let resolved = index < 0 ? items.count + index : index
            return items.indices.contains(resolved) ? [items[resolved]] : []
        }
        // ?(@.key=="value")
        guard inside.hasPrefix("?(@."), inside.hasSuffix(")"), let equals = inside.range(of: "==") else { return [] }
        let keyPath = inside[inside.index(inside.startIndex, offsetBy: 4)..<equals.lowerBound].split(separator: ".")
        let expectedText = String(inside[equals.upperBound..<inside.index(before: inside.endIndex)]).trimmingSpaces
        let expected = unquoted(expectedText) ?? expectedText
        return items.filter { item in
            var current: JSONValue? = item
            for key in keyPath { current = current?[String(key).trimmingSpaces] }
            return current.map(text) == expected
        }
    }

    private static func unquoted(_ text: String) -> String? {
        for quote in ["\"", "'"] where text.count >= 2 && text.hasPrefix(quote) && text.hasSuffix(quote) {
            return String(text.dropFirst().dropLast())
        }
        return nil
    }

    static func text(_ value: JSONValue) -> String {
        switch value {
        case .string(let text): return text
        case .null: return ""
        default: return JSONWriter.string(value)
        }
    }
}
