import StructuredData

/// A parsed `fieldSelector` query: `path=value`, `path==value` or `path!=value`, comma-joined,
/// where the path is a dotted field path such as `metadata.name` or `involvedObject.uid`.
struct FieldSelector: Sendable {
    struct Requirement: Sendable {
        let path: [String]
        let value: String
        let negated: Bool
    }

    let requirements: [Requirement]

    static let everything = FieldSelector(requirements: [])

    init(requirements: [Requirement]) {
        self.requirements = requirements
    }

    init(parsing text: String) throws(APIError) {
        var requirements: [Requirement] = []
        for clause in text.split(separator: ",") {
            let clause = String(clause)
            let parts: (String, String, Bool)
            if let range = clause.range(of: "!=") {
                parts = (String(clause[..<range.lowerBound]), String(clause[range.upperBound...]), true)
            } else if let range = clause.range(of: "==") {
                parts = (String(clause[..<range.lowerBound]), String(clause[range.upperBound...]), false)
            } else if let range = clause.range(of: "=") {
                parts = (String(clause[..<range.lowerBound]), String(clause[range.upperBound...]), false)
            } else {
                throw .badRequest("invalid field selector: \"\(text)\": expected an operator")
            }
            let path = parts.0.trimmingSpaces.split(separator: ".").map(String.init)
            guard !path.isEmpty else { throw .badRequest("invalid field selector: \"\(text)\": empty field") }
            requirements.append(Requirement(path: path, value: parts.1.trimmingSpaces, negated: parts.2))
        }
        self.requirements = requirements
    }

    func matches(object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            var current: JSONValue? = object
            for key in requirement.path { current = current?[key] }
            let text: String
            switch current {
            case .string(let value): text = value
            case .int(let value): text = String(value)
            case .bool(let value): text = String(value)
            default: text = ""
            }
            return (text == requirement.value) != requirement.negated
        }
    }
}
