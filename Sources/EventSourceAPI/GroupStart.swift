/// Where a consumer group this adapter creates starts reading (`startFrom`, our extension):
/// after the newest entry (`$`, Argo's behaviour), from the first entry (`0`), or after a given id.
public enum GroupStart: Sendable, Hashable, CustomStringConvertible {
    case newest
    case beginning
    case after(StreamID)

    /// `$`, `0`, or `<ms>[-<seq>]`; nil for anything else.
    public init?(_ text: String) {
        switch text {
        case "$": self = .newest
        case "0", "0-0": self = .beginning
        default:
            guard let id = StreamID(text) else { return nil }
            self = .after(id)
        }
    }

    /// The id argument of XGROUP CREATE.
    public var argument: String {
        switch self {
        case .newest: return "$"
        case .beginning: return "0"
        case .after(let id): return id.description
        }
    }

    public var description: String { argument }
}
