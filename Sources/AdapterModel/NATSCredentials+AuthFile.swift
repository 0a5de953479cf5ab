import StructuredData

extension NATSCredentials {
    /// Reads Argo's `auth.yaml` (the EventBus accessSecret's value) as Argo's viper does: keys in
    /// any case (`Username:`), and a scalar of any type taken as text, the way viper's weakly typed
    /// decoding turns it into a Go string (`password: 12345` is "12345", `true` is "1").
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
        func field(_ name: String) throws(NATSCredentialsError) -> String? {
            guard let key = object.keys.first(where: { $0.lowercased() == name }) else { return nil }
            switch object[key] {
            case .string(let text)?: return text
            case .int(let number)?: return String(number)
            case .double(let number)?: return Self.goText(number)
            case .bool(let flag)?: return flag ? "1" : "0"
            case .null?, nil: return nil
            case .array?, .object?: throw NATSCredentialsError("the EventBus credentials' \(name) must be a single value")
            }
        }
        guard let username = try field("username"), !username.isEmpty else {
            throw NATSCredentialsError("the EventBus credentials have no username")
        }
        guard let password = try field("password") else {
            throw NATSCredentialsError("the EventBus credentials have no password")
        }
        return NATSCredentials(username: username, password: SecretValue(password))
    }

    /// A float as Go's `strconv.FormatFloat(f, 'f', -1, 64)` writes it: no exponent, no ".0".
    private static func goText(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e18 { return String(Int64(number)) }
        return "\(number)"
    }
}
