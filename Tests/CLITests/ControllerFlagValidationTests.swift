import Testing
import TestSupport

/// Controller flags that cannot work are refused before anything starts, naming the flag.
@Suite struct ControllerFlagValidationTests {
    @Test(arguments: [
        (["--status-writes-per-second", "0"], "--status-writes-per-second must be positive"),
        (["--status-writes-per-second=-3"], "--status-writes-per-second must be positive"),
        (["--leader-elect", "--lease-duration", "10", "--renew-deadline", "10"], "--renew-deadline must be shorter than --lease-duration"),
        (["--lease-duration", "5", "--renew-deadline", "8"], "--renew-deadline must be shorter than --lease-duration"),
    ])
    func anUnworkableSettingIsRefused(flags: [String], message: String) async throws {
        let result = try await CLIRunner.run(["controller"] + flags)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }
}
