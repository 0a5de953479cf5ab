import Glibc

/// posix_spawnp with an empty signal mask and every signal at its default disposition.
/// A child spawned otherwise inherits the blocked signals of the spawning thread (Swift's and
/// Dispatch's threads block many), and a redis-server that cannot see SIGTERM never stops.
public enum CleanSignalSpawn {
    /// Starts `executable` (looked up in PATH) with `fileActions` applied; `environment` nil keeps
    /// this process's. Returns the child's pid, or the errno that stopped it.
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String]? = nil,
        fileActions: inout posix_spawn_file_actions_t
    ) -> Result<pid_t, SpawnError> {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup($0) } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var child: pid_t = 0
        let status: Int32
        if var envp {
            status = posix_spawnp(&child, executable, &fileActions, &attributes, argv, &envp)
        } else {
            status = posix_spawnp(&child, executable, &fileActions, &attributes, argv, environ)
        }
        guard status == 0 else { return .failure(SpawnError(executable: executable, errno: status)) }
        return .success(child)
    }

    public struct SpawnError: Error, CustomStringConvertible {
        public let executable: String
        public let errno: Int32
        public var description: String { "\(executable): \(String(cString: strerror(errno)))" }
    }
}
