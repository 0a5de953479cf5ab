import StructuredData

/// Decodes request bodies the way the API server does: JSON or YAML, one object, within size limits.
enum RequestBody {
    static func object(_ request: APIRequest, limit: Int) throws(APIError) -> JSONValue {
        let value = try document(request, limit: limit, yaml: isYAML(request.contentType))
        guard value.objectValue != nil else {
            throw .badRequest("the body of the request must be a JSON object, not \(value.typeName)")
        }
        return value
    }

    static func document(_ request: APIRequest, limit: Int, yaml: Bool) throws(APIError) -> JSONValue {
        if request.bodyTooLarge || request.body.count > limit { throw .tooLarge(limit: limit) }
        guard !request.body.isEmpty else { throw .badRequest("the body of the request is empty") }
        if yaml {
            do {
                let documents = try YAMLReader.documents(request.body)
                guard documents.count == 1, let document = documents.first else {
                    throw APIError.badRequest("the body of the request must hold exactly one YAML document")
                }
                return document
            } catch let error as YAMLSyntaxError {
                throw .badRequest("the body of the request was not valid YAML: \(error)")
            } catch let error as APIError {
                throw error
            } catch {
                throw .badRequest("the body of the request was not valid YAML")
            }
        }
        do {
            return try JSONParser.parse(request.body)
        } catch {
            throw .badRequest("the body of the request could not be decoded: \(error)")
        }
    }

    static func isYAML(_ contentType: String) -> Bool {
        contentType == "application/yaml" || contentType == "application/x-yaml" || contentType == "text/yaml"
            || contentType == "application/apply-patch+yaml"
    }

    /// A body for create or update: JSON, YAML, or for the few kinds kubectl sends that way, protobuf.
    static func object(_ request: APIRequest, for resource: ResourceType, limit: Int) throws(APIError) -> JSONValue {
        guard request.contentType == KubernetesProtobuf.contentType else {
            try checkObjectContentType(request)
            return try object(request, limit: limit)
        }
        if request.bodyTooLarge || request.body.count > limit { throw .tooLarge(limit: limit) }
        return try KubernetesProtobuf.object(request.body, for: resource)
    }

    static let acceptedObjectTypes = ["application/json", "application/yaml"]

    static func checkObjectContentType(_ request: APIRequest) throws(APIError) {
        let type = request.contentType
        guard type.isEmpty || type == "application/json" || isYAML(type), type != "application/apply-patch+yaml" else {
            throw .unsupportedMediaType(type, accepted: acceptedObjectTypes)
        }
    }
}
