import Dispatch
import Glibc
import Synchronization

/// Every process a tool (the bench, the chaos runner) started and has not yet reaped, so Ctrl-C
/// or SIGTERM stops them too instead of leaving a redis-server or an adapter running after the
/// tool is gone.
public enum ChildRegistry {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let interrupted = Atomic<Bool>(false)

    /// True once a stop signal arrived: failures after it are the signal's doing, not the tool's.
    public static var isInterrupted: Bool { interrupted.load(ordering: .acquiring) }

    public static func add(_ pid: pid_t) { _ = pids.withLock { $0.insert(pid) } }
    public static func remove(_ pid: pid_t) { _ = pids.withLock { $0.remove(pid) } }

    /// On SIGINT or SIGTERM: send the children `childSignal`, give them `grace` seconds, kill what
    /// is left, exit. The caller keeps the returned sources alive for as long as the handling should last.
    public static func stopChildrenOnSignals(childSignal: Int32 = SIGTERM, grace: Double = 3) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                interrupted.store(true, ordering: .releasing)
                let children = pids.withLock { $0 }
                UnbufferedOutput.error("\ninterrupted; stopping \(children.count) child process(es)\n")
                for pid in children { kill(pid, childSignal) }
                var remaining = children
                var waited = 0.0
                while !remaining.isEmpty && waited < grace {
                    remaining = remaining.filter { waitpid($0, nil, WNOHANG) == 0 }
                    usleep(10_000)
                    waited += 0.01
                }
                for pid in remaining { kill(pid, SIGKILL) }
                _exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }
}
