import Dispatch
import Glibc
import Synchronization

/// Every process the bench started and has not yet reaped, so Ctrl-C or SIGTERM stops them
/// too instead of leaving a redis-server or an adapter running after the bench is gone.
enum ChildRegistry {
    private static let pids = Mutex<Set<pid_t>>([])
    private static let interrupted = Atomic<Bool>(false)

    /// True once a stop signal arrived: failures after it are the signal's doing, not the bench's.
    static var isInterrupted: Bool { interrupted.load(ordering: .acquiring) }

    static func add(_ pid: pid_t) { _ = pids.withLock { $0.insert(pid) } }
    static func remove(_ pid: pid_t) { _ = pids.withLock { $0.remove(pid) } }

    /// On SIGINT or SIGTERM: terminate the children, give them a moment, kill what is left, exit.
    /// The caller keeps the returned sources alive for as long as the handling should last.
    static func stopChildrenOnSignals() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                interrupted.store(true, ordering: .releasing)
                let children = pids.withLock { $0 }
                Console.error("\nbench interrupted; stopping \(children.count) child process(es)")
                for pid in children { kill(pid, SIGTERM) }
                let start = MonotonicClock.now()
                var remaining = children
                while !remaining.isEmpty && MonotonicClock.seconds(since: start) < 3 {
                    remaining = remaining.filter { waitpid($0, nil, WNOHANG) == 0 }
                    usleep(10_000)
                }
                for pid in remaining { kill(pid, SIGKILL) }
                _exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }
}
