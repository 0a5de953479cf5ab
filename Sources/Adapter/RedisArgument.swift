/// One argument of a Redis command: text, or raw bytes for binary-safe stream values.
public struct RedisArgument: Sendable, Equatable, ExpressibleByStringLiteral {
    public let bytes: [UInt8]

    public init(_ text: String) { bytes = Array(text.utf8) }
    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ number: Int) { bytes = Array(String(number).utf8) }
    public init(stringLiteral value: String) { self.init(value) }
}
