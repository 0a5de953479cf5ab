import Foundation

/// Polling with a deadline, on the calling thread (the chaos run is sequential and owns its main thread).
enum Poll {
    /// Calls `condition` every `interval` seconds until it holds or `seconds` have passed.
    @discardableResult
    static func until(seconds: Double, interval: Double = 0.05, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(UInt32(interval * 1_000_000))
        }
        return condition()
    }
}
