/// A resolved secret. Its description is redacted, so logging or interpolating it can never leak it.
public struct SecretValue: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    public init(_ text: String) { bytes = Array(text.utf8) }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
