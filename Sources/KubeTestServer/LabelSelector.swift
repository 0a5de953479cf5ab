import StructuredData

/// A parsed `labelSelector` query: `a=b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, comma-joined.
struct LabelSelector: Sendable {
    enum Requirement: Sendable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    let requirements: [Requirement]

    static let everything = LabelSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in Self.splitClauses(text) {
            let trimmed = clause.trimmingSpaces
            if trimmed.isEmpty { continue }
            requirements.append(try Self.parseClause(trimmed, whole: text))
        }
        self.requirements = requirements
    }

    func matches(_ labels: [String: String]) -> Bool {
        requirements.allSatisfy { requirement in
            switch requirement {
            case .equals(let key, let value): return labels[key] == value
            case .notEquals(let key, let value): return labels[key] != value
            case .isIn(let key, let values): return labels[key].map(values.contains) ?? false
            case .notIn(let key, let values): return !(labels[key].map(values.contains) ?? false)
            case .exists(let key): return labels[key] != nil
            case .doesNotExist(let key): return labels[key] == nil
            }
        }
    }

    func matches(object: JSONValue) -> Bool {
        matches(Self.labels(of: object))
    }

    static func labels(of object: JSONValue) -> [String: String] {
        var labels: [String: String] = [:]
        for (key, value) in object["metadata"]?["labels"]?.objectValue ?? JSONObject() {
            if let text = value.stringValue { labels[key] = text }
        }
        return labels
    }

    /// Commas inside `(...)` belong to a set, not to the list of clauses.
    private static func splitClauses(_ text: String) -> [String] {
        var clauses: [String] = []
        var current = ""
        var depth = 0
        for character in text {
            switch character {
            case "(": depth += 1; current.append(character)
            case ")": depth -= 1; current.append(character)
            case "," where depth == 0: clauses.append(current); current = ""
            default: current.append(character)
            }
        }
        clauses.append(current)
        return clauses
    }

    private static func parseClause(_ clause: String, whole: String) throws(APIError) -> Requirement {
        func bad() -> APIError { .badRequest("unable to parse requirement: invalid label selector: \"\(whole)\"") }
        if clause.hasPrefix("!") {
            let key = String(clause.dropFirst()).trimmingSpaces
            guard isValidKey(key) else { throw bad() }
            return .doesNotExist(key)
        }
        for (operatorText, makeRequirement) in [
            ("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals),
        ] {
            if let range = clause.range(of: operatorText) {
                let key = String(clause[..<range.lowerBound]).trimmingSpaces
                let value = String(clause[range.upperBound...]).trimmingSpaces
                guard isValidKey(key), isValidValue(value) else { throw bad() }
                return makeRequirement(key, value)
            }
        }
        let words = clause.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let key = words[0]
            let rest = words[1].trimmingSpaces
            for (keyword, isIn) in [("notin", false), ("in", true)] where rest.hasPrefix(keyword) {
                let setText = rest.dropFirst(keyword.count).trimmingSpaces
                guard setText.hasPrefix("("), setText.hasSuffix(")"), isValidKey(key) else { throw bad() }
                let values = setText.dropFirst().dropLast().split(separator: ",").map { String($0).trimmingSpaces }
                guard values.allSatisfy(isValidValue) else { throw bad() }
                return isIn ? .isIn(key, Set(values)) : .notIn(key, Set(values))
            }
            throw bad()
        }
        guard isValidKey(clause) else { throw bad() }
        return .exists(clause)
    }

    private static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.count <= 317
            && key.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }

    private static func isValidValue(_ value: String) -> Bool {
        value.count <= 63 && value.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var slice = Substring(self)
        while slice.first == " " { slice = slice.dropFirst() }
        while slice.last == " " { slice = slice.dropLast() }
        return String(slice)
    }
}
