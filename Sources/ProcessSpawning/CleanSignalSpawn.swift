import CProcessSpawn
import Glibc

/// posix_spawnp with an empty signal mask, every signal at its default disposition, and no
/// descriptor but 0, 1 and 2.
/// A child spawned otherwise inherits the blocked signals of the spawning thread (Swift's and
/// Dispatch's threads block many), and a redis-server that cannot see SIGTERM never stops.
/// It would also inherit whatever this process had open without close-on-exec at that moment
/// (SwiftNIO's sockets, another thread's fresh pipe): a test's output pipe would then never
/// reach end-of-file, and a closed listener would keep accepting in the child.
public enum CleanSignalSpawn {
    /// Starts `executable` (looked up in PATH) with `fileActions` applied; `environment` nil keeps
    /// this process's. The child gets descriptors 0, 1 and 2 only: whatever `fileActions` put
    /// above 2 is closed before the program starts. Returns the child's pid, or the errno that
    /// stopped it.
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

        cprocessspawn_add_closefrom(&fileActions, 3)

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

/// A pipe whose ends are close-on-exec from the start, so no child spawned by another thread
/// in the meantime can hold its write end open.
public enum CloseOnExecPipe {
    /// The read and write ends, or the errno of pipe2.
    public static func make() -> Result<(read: Int32, write: Int32), CleanSignalSpawn.SpawnError> {
        var descriptors: [Int32] = [-1, -1]
        guard cprocessspawn_pipe_cloexec(&descriptors) == 0 else {
            return .failure(CleanSignalSpawn.SpawnError(executable: "pipe2", errno: errno))
        }
        return .success((descriptors[0], descriptors[1]))
    }
}

extension CleanSignalSpawn {
    /// Starts `executable` with standard input on /dev/null and standard output and error
    /// written to files (created, and truncated unless `append`).
    public static func spawn(
        _ executable: String, _ arguments: [String], environment: [String]? = nil, standardOutput: String,
        standardError: String, append: Bool = false
    ) -> Result<pid_t, SpawnError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, flags, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, flags, 0o644)
        return spawn(executable, arguments, environment: environment, fileActions: &actions)
    }

    /// The child's exit status once it has ended (and reaps it): its exit code, or 128 + the
    /// signal that ended it, as shells report it. Nil while it runs.
    public static func exitStatus(of pid: pid_t) -> Int32? {
        var status: Int32 = 0
        guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
