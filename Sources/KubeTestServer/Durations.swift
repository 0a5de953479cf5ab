import NIOCore

/// Seconds that clients and fault settings give, bounded before they become timers: a `Double`
/// beyond `Int64` milliseconds traps when converted, so every duration passes through here.
enum Durations {
    /// About 31 years: longer than any test or local run, far below what `Int64` milliseconds hold.
    static let maximumSeconds: Double = 1_000_000_000

    /// Whether `seconds` is a duration the server can schedule.
    static func isSchedulable(_ seconds: Double) -> Bool {
        seconds.isFinite && seconds >= 0 && seconds <= maximumSeconds
    }

    /// A timer's delay; callers have checked `isSchedulable`, and anything else is clamped anyway.
    static func timeAmount(seconds: Double) -> TimeAmount {
        let bounded = seconds.isFinite ? min(max(seconds, 0), maximumSeconds) : maximumSeconds
        return .milliseconds(Int64((bounded * 1000).rounded()))
    }

    /// Parses a query parameter of seconds, answering 400 for anything not a bounded number.
    static func parseQuerySeconds(_ text: String, name: String) throws(APIError) -> Double {
        guard let seconds = Double(text), isSchedulable(seconds) else {
            throw .badRequest(
                "\(name) must be a number of seconds between 0 and \(Int64(maximumSeconds)), not \(text.prefix(64))")
        }
        return seconds
    }
}
