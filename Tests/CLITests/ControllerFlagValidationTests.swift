import Testing
import TestSupport

/// Controller flags that cannot work are refused before anything starts, naming the flag.
@Suite struct ControllerFlagValidationTests {
    @Test(arguments: [
        (["--status-writes-per-second", "0"], "--status-writes-per-second must be positive"),
        (["--status-writes-per-second=-3"], "--status-writes-per-second must be positive"),
        (["--leader-elect", "--lease-duration", "10", "--renew-deadline", "10"], "--renew-deadline must be shorter than --lease-duration"),
        (["--lease-duration", "5", "--renew-deadline", "8"], "--renew-deadline must be shorter than --lease-duration"),
        (["--replicas-per-source", "2"], "--replicas-per-source needs --shard-by lease"),
        (["--shard-by", "lease", "--replicas-per-source", "0"], "--replicas-per-source must be at least 1"),
        (["--shard-by", "lease", "--leader-elect"], "--shard-by lease and --leader-elect cannot be combined"),
        (["--shard-by", "pod"], "--shard-by"),
    ])
    func anUnworkableSettingIsRefused(flags: [String], message: String) async throws {
        let result = try await CLIRunner.run(["controller"] + flags)
        #expect(result.status == 64)
        #expect(result.standardError.contains(message), "\(result.standardError)")
    }
}
