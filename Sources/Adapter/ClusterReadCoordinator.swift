import AdapterModel
import EventSourceAPI
import Logging
import NIOCore
import Sinks
import Synchronization

/// Runs one cluster entry whose streams hash to several slots: one `AdapterWorker` per slot group
/// (`ClusterStreamPartition`), each with its own connection to the node serving its slot, its own
/// XREADGROUP, consumer state and sink; the entry's status is theirs merged (`ClusterStatusMerge`).
///
/// A worker follows its slot by itself: every connect asks the cluster for the slot's owner, and a
/// MOVED or ASK reply, or a lost connection, makes it reconnect with backoff. The coordinator also
/// reads the slot map again when a worker reports such an error and every `topologyRefreshInterval`:
/// a worker still attached to a node that no longer serves its slot (an old master cut off without
/// a redirect or a closed socket) is restarted, stopped after its in-flight batch and started again
/// on the slot's owner, where its pending entries are replayed. Nothing here acknowledges anything:
/// that stays the worker's, after delivery.
final class ClusterReadCoordinator: Sendable {
    /// How often the slot map is read while nothing goes wrong.
    static let topologyRefreshInterval = Duration.seconds(15)
    /// How long a worker attached to the wrong node may take to finish its batch before its connection is cut.
    static let restartGrace = Duration.seconds(5)
    /// How often the entry's status is rebuilt from its workers' (counters change without a phase change).
    static let statusInterval = Duration.milliseconds(250)

    private let configuration: AdapterConfiguration
    private let status: AdapterStatusCell
    private let stop: StopSignal
    private let logger: Logger
    private let statsInterval: Duration
    private let metrics: AdapterMetrics
    private let onPhaseChange: (@Sendable () -> Void)?
    private let makeSink: @Sendable (AdapterConfiguration) -> EventSink
    private let runtime: AdapterRuntime
    private let loop: any EventLoop
    let members: [ClusterReadMember]
    private let state = Mutex<State>(State())

    private struct State {
        var base: AdapterStatus?
        var refreshRequested = false
        var nextRefresh = ContinuousClock.now
    }

    init(
        configuration: AdapterConfiguration, partition: ClusterStreamPartition, runtime: AdapterRuntime, status: AdapterStatusCell,
        stop: StopSignal, logger: Logger, statsInterval: Duration, metrics: AdapterMetrics, onPhaseChange: (@Sendable () -> Void)?,
        makeSink: @escaping @Sendable (AdapterConfiguration) -> EventSink
    ) {
        self.configuration = configuration
        self.status = status
        self.stop = stop
        self.logger = logger
        self.statsInterval = statsInterval
        self.metrics = metrics
        self.onPhaseChange = onPhaseChange
        self.makeSink = makeSink
        self.runtime = runtime
        loop = runtime.eventLoops.next()
        members = partition.groups.map { group in
            var member = configuration
            member.source.streams = group.streams
            return ClusterReadMember(group: group, configuration: member, initial: status.snapshot)
        }
    }

    func run() async {
        state.withLock { $0.base = status.snapshot }
        logger.info(
            "reading a cluster entry in \(members.count) slot groups",
            metadata: ["groups": "\(members.map { $0.group.streams.joined(separator: "+") }.joined(separator: ", "))"])
        await withTaskGroup(of: Void.self) { tasks in
            for member in members {
                tasks.addTask { await self.runMember(member) }
            }
            tasks.addTask { await self.watchTopology() }
            await tasks.waitForAll()
        }
        for member in members { await member.waitForAttempts() }
        mergeStatus()
    }

    /// Stops every worker: each finishes and acknowledges what it has in flight.
    func requestStop() {
        for member in members {
            member.stopForGood(
                connector: RedisConnector(configuration: member.configuration), through: runtime.controlConnections, logger: logger)
        }
    }

    /// Cuts every worker's connection once `grace` passed, unless the entry finished by itself.
    func sever(after grace: Duration, unless isFinished: @escaping @Sendable () -> Bool) {
        for member in members { member.sever(after: grace, on: loop, unless: isFinished) }
    }

    private func runMember(_ member: ClusterReadMember) async {
        var logger = logger
        logger[metadataKey: "slot"] = "\(member.group.slot)"
        while let run = member.beginRun() {
            let worker = AdapterWorker(
                configuration: member.configuration, loop: runtime.eventLoops.next(), controlConnections: runtime.controlConnections, status: member.status,
                stop: run.stop, interrupter: run.interrupter, severer: run.severer, logger: logger,
                statsInterval: statsInterval, sink: makeSink(member.configuration), metrics: metrics,
                onPhaseChange: { [self] in memberChanged(member) })
            await worker.run()
            // A worker that cannot run at all (a filter that does not parse) is not restarted.
            if stop.isStopped || member.status.snapshot.phase == .failed { break }
            member.status.apply([.restarting])
        }
        memberChanged(member)
    }

    /// Rebuilds the status now; a redirect or a lost connection also asks for a fresh slot map.
    private func memberChanged(_ member: ClusterReadMember) {
        let snapshot = member.status.snapshot
        if snapshot.phase != .consuming, let error = snapshot.lastError, Self.suggestsTopologyChange(error) {
            state.withLock { $0.refreshRequested = true }
        }
        mergeStatus()
    }

    static func suggestsTopologyChange(_ error: String) -> Bool {
        ["MOVED", "ASK", "CLUSTERDOWN", "TRYAGAIN", "READONLY", "connection", "connect", "timed out", "did not answer"]
            .contains { error.contains($0) }
    }

    private func mergeStatus() {
        guard let base = state.withLock({ $0.base }) else { return }
        let merged = ClusterStatusMerge.merged(
            base: base, members: members.map { ClusterStatusMerge.Member(streams: $0.group.streams, status: $0.status.snapshot) })
        let (before, after) = status.apply([.merged(merged)])
        metrics.connected.record(after.significant.connection.connected ? 1 : 0)
        if before.significant != after.significant { onPhaseChange?() }
    }

    private func watchTopology() async {
        while !stop.isStopped {
            if await stop.sleep(for: Self.statusInterval, on: loop) { break }
            mergeStatus()
            let now = ContinuousClock.now
            let due = state.withLock { state -> Bool in
                guard state.refreshRequested || now >= state.nextRefresh else { return false }
                state.refreshRequested = false
                state.nextRefresh = now + Self.topologyRefreshInterval
                return true
            }
            if due { await refreshTopology() }
        }
    }

    /// Reads the slot map and restarts any worker that stayed attached to a node no longer serving its slot.
    private func refreshTopology() async {
        guard case .cluster(let seeds) = configuration.redis.topology else { return }
        let target = configuration.redis
        let lookup = ClusterSlotLookup(
            seeds: seeds, username: target.username, password: target.password, tls: target.tls, timeout: .seconds(5))
        let map: ClusterSlotMap
        do throws(RedisError) {
            map = try await ClusterSlotMapReader(lookup: lookup, loop: loop).read()
        } catch {
            logger.debug("cluster slot map not readable now: \(error)")
            return
        }
        let now = ContinuousClock.now
        for member in members {
            guard let owner = map.owner(ofSlot: member.group.slot) else { continue }
            let snapshot = member.status.snapshot
            let misplaced = snapshot.connected && snapshot.server.map { $0 != owner.description } == true
            if member.noteMisplaced(misplaced, at: now, restartAfter: Self.restartGrace) {
                let streams = member.group.streams.joined(separator: ", ")
                logger.warning(
                    "streams \(streams) are read from \(snapshot.server ?? "?") but slot \(member.group.slot) is served by \(owner) now; restarting their reader")
                member.restart(grace: Self.restartGrace, on: loop)
            }
        }
    }
}
