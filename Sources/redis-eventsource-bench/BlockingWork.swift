import Foundation

/// Runs a blocking bench loop (hiredis, waitpid polling) on a new thread of its own and awaits
/// its result, keeping it off Swift's cooperative pool, which has only one thread per core.
enum BlockingWork {
    static func run<Result: Sendable>(
        _ name: String, _ work: @escaping @Sendable () throws(BenchError) -> Result
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do throws(BenchError) {
                    continuation.resume(returning: try work())
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.name = name
            thread.start()
        }
    }
}
