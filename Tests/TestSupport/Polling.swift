import Foundation

public struct DeadlineExceeded: Error, CustomStringConvertible {
    public let what: String
    public var description: String { "timed out waiting for \(what)" }
}

/// Waits for a condition by polling until a deadline; tests never sleep a fixed time. `timeout` is a
/// base value that `TestTimeouts` scales.
public func waitUntil(
    _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(25),
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + TestTimeouts.scaled(timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: interval)
    }
    if try await condition() { return }
    throw DeadlineExceeded(what: what)
}

/// Polls until `produce` returns a value, then returns it.
public func waitForValue<T>(
    _ what: String, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(25),
    _ produce: () async throws -> T?
) async throws -> T {
    let deadline = ContinuousClock.now + TestTimeouts.scaled(timeout)
    while ContinuousClock.now < deadline {
        if let value = try await produce() { return value }
        try await Task.sleep(for: interval)
    }
    if let value = try await produce() { return value }
    throw DeadlineExceeded(what: what)
}
