import Glibc
import ProcessSpawning
import Synchronization

/// How a spawned child ended, reaped once (without blocking) and then remembered, since a second
/// `waitpid` for the same pid would find nothing. Reaping also takes it out of `ChildRegistry`.
public final class ChildExitStatus: Sendable {
    private let pid: pid_t
    private let known = Mutex<Int32?>(nil)

    public init(pid: pid_t) {
        self.pid = pid
    }

    /// The exit code, or 128 + the signal that ended it; nil while the child runs.
    public var value: Int32? {
        known.withLock { known in
            if let known { return known }
            known = CleanSignalSpawn.exitStatus(of: pid)
            if known != nil { ChildRegistry.remove(pid) }
            return known
        }
    }
}
