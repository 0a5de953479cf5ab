import Foundation

/// Runs blocking work (libcurl, hiredis) on a new thread of its own and awaits its result,
/// so tests keep it off Swift's cooperative pool as the adapter does.
public enum DedicatedThread {
    public static func run<Result: Sendable>(
        name: String = "test-blocking-work", _ work: @escaping @Sendable () -> Result
    ) async -> Result {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: work())
            }
            thread.name = name
            thread.start()
        }
    }
}
