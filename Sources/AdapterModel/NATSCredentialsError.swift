/// Why an EventBus `auth.yaml` cannot be used. Retrying does not help: the Secret or file must change.
public struct NATSCredentialsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
