/// A stream entry id, `<milliseconds>-<sequence>`, compared the way Redis orders entries.
/// Used to keep the highest id an adapter acknowledged per stream.
public struct StreamID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var milliseconds: UInt64
    public var sequence: UInt64

    public init(milliseconds: UInt64, sequence: UInt64) {
        self.milliseconds = milliseconds
        self.sequence = sequence
    }

    /// Parses `<ms>-<seq>` or a bare `<ms>` (sequence 0), as XGROUP CREATE accepts them; nil
    /// for anything else, including `$` and numbers beyond 64 bits.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let milliseconds = Self.number(first) else { return nil }
        var sequence: UInt64 = 0
        if parts.count == 2 {
            guard let parsed = Self.number(parts[1]) else { return nil }
            sequence = parsed
        }
        self.init(milliseconds: milliseconds, sequence: sequence)
    }

    private static func number(_ text: Substring) -> UInt64? {
        guard !text.isEmpty, text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
            return nil
        }
        return UInt64(text)
    }

    public var description: String { "\(milliseconds)-\(sequence)" }

    public static func < (lhs: StreamID, rhs: StreamID) -> Bool {
        (lhs.milliseconds, lhs.sequence) < (rhs.milliseconds, rhs.sequence)
    }
}
