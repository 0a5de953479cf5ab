import StructuredData

extension NATSCredentials {
    /// Reads Argo's `auth.yaml` (the EventBus accessSecret's value): `username` and `password`.
    /// Errors name the missing field, never its value.
    public static func parse(authYAML bytes: [UInt8]) throws(NATSCredentialsError) -> NATSCredentials {
        let documents: [JSONValue]
        do {
            documents = try YAMLReader.documents(bytes)
        } catch {
            throw NATSCredentialsError("the EventBus credentials are not YAML with username and password")
        }
        guard documents.count == 1, case .object(let object) = documents[0] else {
            throw NATSCredentialsError("the EventBus credentials must be a YAML map with username and password")
        }
        guard case .string(let username)? = object["username"], !username.isEmpty else {
            throw NATSCredentialsError("the EventBus credentials have no username")
        }
        guard case .string(let password)? = object["password"] else {
            throw NATSCredentialsError("the EventBus credentials have no password")
        }
        return NATSCredentials(username: username, password: SecretValue(password))
    }
}
