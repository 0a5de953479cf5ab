import StructuredData

/// What a write of a custom resource goes through on the real server: unknown fields pruned (or,
/// under `fieldValidation=Strict`, refused), defaults filled, then the schema's checks.
enum CustomResourceSchema {
    /// The `fieldValidation` query parameter: what to do with fields the schema does not declare.
    enum FieldValidation: String {
        case ignore = "Ignore"
        case warn = "Warn"
        case strict = "Strict"

        init(query: String?) throws(APIError) {
            guard let query, !query.isEmpty else {
                self = .warn
                return
            }
            guard let mode = FieldValidation(rawValue: query) else {
                throw .badRequest("fieldValidation must be one of Ignore, Warn, Strict, not \(query.prefix(64))")
            }
            self = mode
        }
    }

    static func checked(
        _ object: JSONValue, _ resource: ResourceType, name: String, validation: FieldValidation,
        warnings: RequestWarnings
    ) throws(APIError) -> JSONValue {
        guard let schema = resource.schema else { return object }
        let (pruned, unknown) = StructuralSchemaPruner.prune(object, schema: schema)
        if validation == .strict, !unknown.isEmpty {
            let fields = unknown.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
            throw .badRequest(
                "\(resource.kind) in version \"\(resource.version)\" cannot be handled as a \(resource.kind): "
                    + "strict decoding error: \(fields)")
        }
        if validation == .warn { for field in unknown { warnings.add("unknown field \"\(field)\"") } }
        let violations = StructuralSchemaValidator.violations(pruned, schema: schema)
        if !violations.isEmpty { throw .invalid(resource, name, violations: violations) }
        return pruned
    }
}
