import Foundation

/// Bounds how many heavy fixtures run at once in one test process: those that start a
/// kube-testserver, redis-server and controller processes together, or hundreds of sinks. Swift
/// Testing starts every test at once; with all of them running, a 2-core machine reaches a load
/// of 40 and every deadline is spent waiting for a core rather than on the test's subject. Waiting
/// here instead keeps each heavy test short once it runs.
///
/// `TEST_HEAVY_FIXTURES` (default 4, at least 1) sets the limit.
///
///     try await HeavyFixtureLimit.shared.run { ... start the servers, run the test, stop them ... }
public actor HeavyFixtureLimit {
    public static let shared = HeavyFixtureLimit(
        limit: ProcessInfo.processInfo.environment["TEST_HEAVY_FIXTURES"].flatMap(Int.init).map { max(1, $0) } ?? 4)

    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init(limit: Int) {
        available = max(1, limit)
    }

    /// Runs `body` once fewer than the limit of heavy fixtures are running, and counts it meanwhile.
    public nonisolated func run<T>(_ body: () async throws -> T) async throws -> T {
        await acquire()
        do {
            let result = try await body()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            available += 1
        } else {
            // The slot passes straight to the longest waiter.
            waiting.removeFirst().resume()
        }
    }
}
