import Dispatch
import Glibc
import Synchronization

/// Every process the chaos run started and has not reaped, so Ctrl-C or SIGTERM stops them too.
enum ChaosChildren {
    private static let pids = Mutex<Set<pid_t>>([])

    static func add(_ pid: pid_t) { _ = pids.withLock { $0.insert(pid) } }
    static func remove(_ pid: pid_t) { _ = pids.withLock { $0.remove(pid) } }

    /// On SIGINT or SIGTERM: kill the children and exit. Keep the returned sources alive.
    static func stopChildrenOnSignals() -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { signalNumber -> any DispatchSourceSignal in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                for pid in pids.withLock({ $0 }) { kill(pid, SIGKILL) }
                _exit(128 + signalNumber)
            }
            source.resume()
            return source
        }
    }
}
