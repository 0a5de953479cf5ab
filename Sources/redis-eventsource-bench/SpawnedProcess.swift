import BenchSupport
import Glibc
import ProcessSpawning
import Synchronization

/// A program the bench runs for a while, with standard output and error sent to files
/// (standard output to /dev/null for the stdout sink), never through a pipe the bench would
/// have to drain: reading 200,000 lines would cost the bench CPU the product then lacks.
///
/// Spawned through ProcessSpawning's `CleanSignalSpawn`, so a child never inherits signals the
/// bench's threads have blocked and always sees SIGTERM.
final class SpawnedProcess: Sendable {
    let pid: pid_t
    let name: String
    private let exitStatus: ChildExitStatus

    init(_ executable: String, _ arguments: [String], standardOutput: String, standardError: String) throws(BenchError) {
        name = executable.split(separator: "/").last.map(String.init) ?? executable
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        switch CleanSignalSpawn.spawn(executable, arguments, fileActions: &actions) {
        case .success(let child): pid = child
        case .failure(let error): throw .process("cannot start \(error)")
        }
        ChildRegistry.add(pid)
        exitStatus = ChildExitStatus(pid: pid)
    }

    var isRunning: Bool { reap() == nil }

    /// The exit code, or 128 + the signal that ended it; nil while running.
    var terminationStatus: Int32? { reap() }

    private func reap() -> Int32? { exitStatus.value }

    /// SIGTERM, then SIGKILL after `grace` seconds. Returns the exit status; safe to call twice.
    @discardableResult
    func stop(grace: Double = 5) -> Int32 {
        if let status = reap() { return status }
        kill(pid, SIGTERM)
        let start = MonotonicClock.now()
        while isRunning && MonotonicClock.seconds(since: start) < grace { usleep(5_000) }
        if isRunning { kill(pid, SIGKILL) }
        while true {
            if let status = reap() { return status }
            usleep(1_000)
        }
    }

    deinit { stop() }
}
