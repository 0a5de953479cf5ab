import StructuredData

/// A failure the server reports to its client as a Kubernetes `Status` object.
struct APIError: Error, Sendable {
    let code: Int
    let reason: String
    let message: String
    var details: JSONObject = JSONObject()
    var retryAfterSeconds: Int? = nil

    var status: JSONValue {
        var status: JSONObject = objectLiteral([
            "kind": "Status", "apiVersion": "v1", "metadata": .object(JSONObject()), "status": "Failure",
            "message": .string(message), "reason": .string(reason),
        ])
        var details = self.details
        if let retryAfterSeconds { details["retryAfterSeconds"] = .int(Int64(retryAfterSeconds)) }
        if !details.isEmpty { status["details"] = .object(details) }
        status["code"] = .int(Int64(code))
        return .object(status)
    }

    private static func details(_ resource: ResourceType?, _ name: String?) -> JSONObject {
        var details = JSONObject()
        if let name { details["name"] = .string(name) }
        if let resource {
            details["group"] = .string(resource.group)
            details["kind"] = .string(resource.plural)
        }
        return details
    }

    /// "configmaps" or "widgets.example.com", as the API server names a resource in messages.
    private static func qualified(_ resource: ResourceType) -> String {
        resource.group.isEmpty ? resource.plural : "\(resource.plural).\(resource.group)"
    }

    static func notFound(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "\(qualified(resource)) \"\(name)\" not found",
            details: details(resource, name))
    }

    static func namespaceNotFound(_ namespace: String) -> APIError {
        APIError(
            code: 404, reason: "NotFound", message: "namespaces \"\(namespace)\" not found",
            details: objectLiteral(["name": .string(namespace), "kind": "namespaces"]))
    }

    static func namespaceTerminating(_ namespace: String, _ resource: ResourceType) -> APIError {
        APIError(
            code: 403, reason: "Forbidden",
            message: "\(qualified(resource)) is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
            details: objectLiteral(["kind": .string(resource.plural), "group": .string(resource.group)]))
    }

    static func forbiddenToServiceAccounts(_ path: String) -> APIError {
        APIError(code: 403, reason: "Forbidden", message: "\(path) is for the test server's administrator, not ServiceAccounts")
    }

    static func noSuchPath(_ path: String) -> APIError {
        APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource (\(path))")
    }

    static func alreadyExists(_ resource: ResourceType, _ name: String) -> APIError {
        APIError(
            code: 409, reason: "AlreadyExists", message: "\(qualified(resource)) \"\(name)\" already exists",
            details: details(resource, name))
    }

    static func conflict(_ resource: ResourceType, _ name: String, _ why: String) -> APIError {
        APIError(
            code: 409, reason: "Conflict",
            message: "Operation cannot be fulfilled on \(qualified(resource)) \"\(name)\": \(why)",
            details: details(resource, name))
    }

    static func staleResourceVersion(_ resource: ResourceType, _ name: String) -> APIError {
        conflict(
            resource, name, "the object has been modified; please apply your changes to the latest version and try again")
    }

    static func invalid(_ resource: ResourceType, _ name: String, field: String, _ problem: String) -> APIError {
        var details = details(resource, name)
        details["kind"] = .string(resource.kind)
        details["causes"] = .array([
            ["reason": "FieldValueInvalid", "message": .string("\(problem)"), "field": .string(field)]
        ])
        return APIError(
            code: 422, reason: "Invalid", message: "\(resource.kind) \"\(name)\" is invalid: \(field): \(problem)",
            details: details)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(code: 400, reason: "BadRequest", message: message)
    }

    static func expired(_ message: String) -> APIError {
        APIError(code: 410, reason: "Expired", message: message)
    }

    static func methodNotAllowed(_ method: String) -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: "the server does not allow this method on the requested resource (\(method))")
    }

    static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIError {
        APIError(
            code: 415, reason: "UnsupportedMediaType",
            message: "the body of the request was in an unknown format (\(contentType)) - accepted media types include: "
                + accepted.joined(separator: ", "))
    }

    static func tooLarge(limit: Int) -> APIError {
        APIError(code: 413, reason: "RequestEntityTooLarge", message: "Request entity too large: limit is \(limit)")
    }

    static func unauthorized() -> APIError {
        APIError(code: 401, reason: "Unauthorized", message: "Unauthorized")
    }

    static func internalError(_ message: String) -> APIError {
        APIError(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    static func tooManyRequests(retryAfter: Int) -> APIError {
        APIError(
            code: 429, reason: "TooManyRequests", message: "Too many requests, please try again later.",
            retryAfterSeconds: retryAfter)
    }
}
