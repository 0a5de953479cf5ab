import Foundation

/// Every deadline a test waits on comes from here, multiplied by one scale factor, so a slower or
/// busier machine needs one setting rather than a hunt for numbers. The suite itself drives the load
/// average to about 16 on 2 cores; the base values are chosen for that.
///
/// `TEST_TIMEOUT_SCALE` (default 1, any positive number) multiplies them all.
public enum TestTimeouts {
    public static let scale: Double = {
        guard let text = ProcessInfo.processInfo.environment["TEST_TIMEOUT_SCALE"], let value = Double(text), value > 0
        else { return 1 }
        return value
    }()

    /// `base` multiplied by the scale factor.
    public static func scaled(_ base: Duration) -> Duration { base * scale }

    /// The default wait for something a test expects to happen.
    public static var wait: Duration { scaled(.seconds(60)) }

    /// One request by a client a test runs (curl, kubectl): never shorter than the wait around it,
    /// so a slow answer fails the wait's condition rather than the client.
    public static var request: Duration { scaled(.seconds(60)) }

    /// A short-lived program run to completion (kubectl, openssl, redis-cli).
    public static var command: Duration { scaled(.seconds(180)) }

    /// Whole seconds, rounded up, for a client's command-line flag.
    public static func wholeSeconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) + (attoseconds > 0 ? 1 : 0)
    }
}
