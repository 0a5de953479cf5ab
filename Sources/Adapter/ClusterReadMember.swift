import AdapterModel
import Logging
import NIOCore
import Synchronization

/// One slot group of a cluster entry: its configuration (the entry with that group's streams), its
/// status, and the stop controls of the worker running it now. A worker may be replaced (restarted
/// on the slot's new node); the status stays, so counts go on.
final class ClusterReadMember: Sendable {
    let group: ClusterStreamPartition.Group
    let configuration: AdapterConfiguration
    let status: AdapterStatusCell
    private let state = Mutex<State>(State())

    /// The controls of one worker run.
    struct Run: Sendable {
        let stop = StopSignal()
        let interrupter = BlockedReadInterrupter()
        let severer = ConnectionSeverer()
        let number: Int
    }

    private struct State {
        var current: Run?
        var runs = 0
        var stoppedForGood = false
        var misplacedSince: ContinuousClock.Instant?
    }

    init(group: ClusterStreamPartition.Group, configuration: AdapterConfiguration, initial: AdapterStatus) {
        self.group = group
        self.configuration = configuration
        status = AdapterStatusCell(AdapterStatus(consumerGroup: initial.consumerGroup, consumerName: initial.consumerName))
    }

    /// The controls for the next worker run; nil once the entry is stopping.
    func beginRun() -> Run? {
        state.withLock { state in
            guard !state.stoppedForGood else { return nil }
            state.runs += 1
            state.misplacedSince = nil
            let run = Run(number: state.runs)
            state.current = run
            return run
        }
    }

    /// Stops the current worker after its in-flight batch; a new run follows.
    func restart(grace: Duration, on loop: any EventLoop) {
        guard let run = state.withLock({ $0.current }) else { return }
        run.stop.stop()
        // No CLIENT UNBLOCK: client ids are per node, and the slot's owner changed. The read ends
        // within its BLOCK, or the cut ends it.
        run.severer.sever(after: grace, on: loop) { [self] in state.withLock { $0.current?.number != run.number } }
    }

    /// Stops the current worker and any further run.
    func stopForGood(connector: RedisConnector, through controlConnections: ControlConnections, logger: Logger) {
        let run = state.withLock { state -> Run? in
            state.stoppedForGood = true
            return state.current
        }
        run?.stop.stop()
        run?.interrupter.interrupt(connector: connector, through: controlConnections, logger: logger)
    }

    func sever(after grace: Duration, on loop: any EventLoop, unless isFinished: @escaping @Sendable () -> Bool) {
        state.withLock { $0.current }?.severer.sever(after: grace, on: loop, unless: isFinished)
    }

    /// Returns once the unblock attempts of the current run have ended, so none outlives the entry
    /// on the runtime's loops.
    func waitForAttempts() async {
        await state.withLock { $0.current }?.interrupter.waitForAttempts()
    }

    /// Records whether the worker reads from a node other than its slot's owner; true once that
    /// lasted `restartAfter` (a reconnect in progress settles sooner).
    func noteMisplaced(_ misplaced: Bool, at now: ContinuousClock.Instant, restartAfter: Duration) -> Bool {
        state.withLock { state in
            guard misplaced else {
                state.misplacedSince = nil
                return false
            }
            guard let since = state.misplacedSince else {
                state.misplacedSince = now
                return false
            }
            return now - since >= restartAfter
        }
    }
}
