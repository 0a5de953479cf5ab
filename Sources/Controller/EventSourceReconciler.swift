import Adapter
import EventSourceAPI
import Foundation
import KubeClient
import Logging
import Reconciler
import StructuredData
import Synchronization

/// Brings one EventSource's adapters in line with its spec and writes its status. Level-triggered:
/// it is given only the key and reads everything else from the caches, so running it twice is harmless.
///
/// Not an actor: the work queue never hands one key to two workers, so reconciles of different
/// EventSources run in parallel, and the little state kept across them sits behind a lock.
public final class EventSourceReconciler: Sendable {
    private let cache: ObjectCache
    private let secrets: SecretCache
    private let eventBuses: EventBusCache
    private let supervisor: AdapterSupervisor
    private let statusWriter: StatusWriter
    private let recorder: EventRecorder?
    private let leadership: Leadership
    /// Under `--shard-by lease`: who owns what; nil runs every EventSource.
    private let shards: ShardOwnership?
    private let options: ControllerOptions
    private let logger: Logger
    /// What was last announced per EventSource and adapter, so each transition is told once.
    private struct Notices: ~Copyable {
        var transitions = TransitionEvents()
        var spec = SpecNotices()
        /// Buses (namespace/name and URL) already said to be reached with an unverified certificate.
        var unverifiedBuses: Set<String> = []
    }
    private let notices = Mutex(Notices())
    /// Asks for another EventSource to be reconciled (it now shares a group with one of ours).
    private let requeue: @Sendable (ObjectKey) -> Void

    public init(
        cache: ObjectCache, secrets: SecretCache, eventBuses: EventBusCache, supervisor: AdapterSupervisor, statusWriter: StatusWriter,
        recorder: EventRecorder?, leadership: Leadership, shards: ShardOwnership? = nil, options: ControllerOptions, logger: Logger,
        requeue: @escaping @Sendable (ObjectKey) -> Void = { _ in }
    ) {
        self.requeue = requeue
        self.cache = cache
        self.secrets = secrets
        self.eventBuses = eventBuses
        self.supervisor = supervisor
        self.statusWriter = statusWriter
        self.recorder = recorder
        self.leadership = leadership
        self.shards = shards
        self.options = options
        self.logger = logger
    }

    /// Reconciles one EventSource; the result may ask for it to be looked at again later.
    public func reconcile(_ key: ObjectKey) async throws -> ReconcileResult {
        guard let object = await cache.object(key) else {
            await letGo(of: key, reason: "the \(key.kind) was deleted")
            return .done
        }
        let generation = object["metadata"]?["generation"]?.intValue
        // A RedisStreamSource is ours whatever its spec holds: without entries it is invalid, and says so.
        guard key.kind == .redisStreamSource || object["spec"]?["redisStream"] != nil else {
            await stopAll(of: key, reason: "the EventSource has no redisStream entries")
            // A misspelled `redisStream` is ours to explain, since no controller would run it.
            if let misspelled = EventSource.misspelledRedisStream(in: object) {
                let status = EventSourceStatus(
                    generation: generation, specProblems: [misspelled], eventNames: [], desired: DesiredState(), adapters: [:])
                return try await write(status, for: key, object: object)
            }
            // Not ours: another controller (Argo's own) handles EventSources of other types.
            return .done
        }
        var runningOn: [String]?
        if let shards {
            // Before the membership Leases are listed nobody knows what it owns; their first list requeues everything.
            guard let owners = shards.owners(of: key) else { return .done }
            guard owners.contains(shards.identity) else {
                await release(key, to: owners)
                return .done
            }
            runningOn = owners
        }
        switch EventSource.decode(object, defaultNamespace: key.namespace) {
        case .failure(let error):
            if notices.withLock({ $0.transitions.invalidSpec(key, generation: generation ?? 0) }) {
                logger.warning("\(key.kind) \(key) is invalid: \(error)")
                await record(object, warning: true, reason: "InvalidSpec", note: error.problems.map(\.description).joined(separator: "; "))
            }
            await announce(error.warnings, of: key, object: object)
            // The adapters of the last valid spec keep running until the spec is fixed.
            // Its entries stay in `sources`, with their counts, so the status shows what still runs.
            let running = await supervisor.configurations(of: key).keys.map(\.eventName).sorted()
            var status = EventSourceStatus(
                generation: generation, specProblems: error.problems, eventNames: running, desired: DesiredState(),
                adapters: await supervisor.statuses(of: key))
            status.specWarnings = error.warnings
            status.stillRunning = running
            status.lastValidGeneration = notices.withLock { $0.spec.lastValidGeneration(key) }
            status.runningOn = runningOn
            return try await write(status, for: key, object: object)
        case .success(let eventSource):
            notices.withLock {
                $0.transitions.validSpec(key)
                $0.spec.valid(key, generation: generation)
            }
            await announce(eventSource.warnings, of: key, object: object)
            return try await reconcile(eventSource, key: key, object: object, generation: generation, runningOn: runningOn)
        }
    }

    private func reconcile(
        _ eventSource: EventSource, key: ObjectKey, object: JSONValue, generation: Int64?, runningOn: [String]?
    ) async throws -> ReconcileResult {
        // Without spec.sink the EventSource depends on its EventBus, existing or not: creating,
        // changing or deleting the bus (or its Secrets) requeues it.
        let busName = eventSource.sink == nil ? eventSource.eventBusName : nil
        await eventBuses.recordReference(of: key, to: busName)
        var eventBus: EventBusLookup?
        if busName != nil, !eventBuses.hasSynced {
            // Its bus may exist but not be listed yet: judging now would report a false NoSink. The
            // first list requeues it; asking again soon covers a list that is slow to come.
            return .again(after: .milliseconds(500))
        }
        if let busName { eventBus = await eventBuses.lookup(namespace: key.namespace, name: busName) }
        let build = { [eventBus] (secrets: SecretSnapshot) in
            DesiredState.build(
                eventSource, secrets: secrets, defaultSink: self.options.defaultSink, replicaName: self.options.consumerName,
                eventBus: eventBus, eventBusCA: self.options.sinkOptions.eventBusTLS?.caCertificate)
        }
        var builtFrom = await secrets.revised
        var desired = build(builtFrom.snapshot)
        // The Secrets it read are fetched if the cache did not hold them yet; then it is built again
        // with them, which may read more (an EventBus's credentials first, then the entries' Secrets).
        // It is also built again when a watch update changed the snapshot meanwhile. Each round
        // follows a change to the snapshot, so it ends once the Secrets stop changing.
        while let newer = try await secrets.recordReferences(of: key, to: desired.secretNames, builtFrom: builtFrom.revision) {
            builtFrom = newer
            desired = build(newer.snapshot)
        }
        announceUnverifiedTLS(desired)
        let plan = AdapterPlan.diff(desired: desired.adapters, running: await supervisor.configurations(of: key))
        if !plan.isEmpty {
            for change in await supervisor.apply(plan) {
                await announce(change, object: object)
            }
        }
        let adapters = await supervisor.statuses(of: key)
        let sharing = await supervisor.groupSharing
        var groupSharing: [String: String] = [:]
        for (eventName, _) in eventSource.redisStream {
            let adapterKey = AdapterKey(kind: key.kind, namespace: key.namespace, name: key.name, eventName: eventName)
            groupSharing[eventName] = sharing[adapterKey]
            if let notice = notices.withLock({ $0.transitions.groupSharing(adapterKey, sharing[adapterKey]) }) {
                logger.warning("\(adapterKey): \(notice.note)")
                await record(object, notice)
                // The other side learns of it now, not at its next resync.
                for other in Set(sharing.keys.map(\.objectKey)) where other != key { requeue(other) }
            }
            if let notice = notices.withLock({ $0.transitions.entryProblem(adapterKey, desired.problems[eventName]) }) {
                await record(object, notice)
            }
            if let status = adapters[eventName], let notice = notices.withLock({ $0.transitions.adapter(adapterKey, status) }) {
                await record(object, notice)
            }
        }
        var status = EventSourceStatus(
            generation: generation, specProblems: [], eventNames: eventSource.redisStream.map(\.name), desired: desired,
            adapters: adapters)
        status.groupSharing = groupSharing
        status.specWarnings = eventSource.warnings
        status.runningOn = runningOn
        return try await write(status, for: key, object: object)
    }

    /// Writes the status if due. Moving counters bring the EventSource back through the
    /// controller's counter sweep, not a timer of its own; a counter write that had to wait asks
    /// to run again when it may.
    private func write(_ status: EventSourceStatus, for key: ObjectKey, object: JSONValue) async throws -> ReconcileResult {
        let rendered = status.render(previous: object["status"], now: Self.now())
        do {
            switch try await statusWriter.submit(rendered, for: key, current: object) {
            case .deferred(let wait): return .again(after: wait)
            case .written, .unchanged: return .done
            // A new leader looks at every EventSource at once; until then there is nothing to write.
            case .notLeader: return .done
            }
        } catch where error.isNotFound {
            // Deleted meanwhile; the watch will tell us and the next reconcile stops its adapters.
            return .done
        }
    }

    /// Another replica owns it now: this one drains its adapters (finishing the batches in flight)
    /// and forgets its Secrets and status; the new owner reclaims whatever is left pending.
    private func release(_ key: ObjectKey, to owners: [String]) async {
        await letGo(of: key, reason: "it is owned by \(owners.joined(separator: ", ")) now")
    }

    /// Deleted or owned elsewhere: its adapters drain and everything held about it goes.
    private func letGo(of key: ObjectKey, reason: String) async {
        await stopAll(of: key, reason: reason)
        await statusWriter.forget(key)
        await secrets.forget(key)
        await eventBuses.forget(key)
        notices.withLock {
            $0.transitions.forget(key)
            $0.spec.forget(key)
        }
    }

    /// Argo's clients reach a bus without a `tls` block over TLS without verifying it, and say
    /// nothing; we do the same and say so, once per bus.
    private func announceUnverifiedTLS(_ desired: DesiredState) {
        for configuration in desired.adapters.values {
            guard let endpoint = configuration.eventBus, endpoint.connection.tls == nil else { continue }
            let bus = "\(configuration.namespace)/\(endpoint.busName ?? "") \(endpoint.connection.redactedURL)"
            guard notices.withLock({ $0.unverifiedBuses.insert(bus).inserted }) else { continue }
            logger.info(
                "EventBus \(configuration.namespace)/\(endpoint.busName ?? "?"): its server certificate is not verified, because the bus gives no CA (no tls block); connecting as Argo's clients do. Set --eventbus-ca-file or the \(EventBus.caCertSecretAnnotation) annotation to verify it")
        }
    }

    private func stopAll(of key: ObjectKey, reason: String) async {
        let running = await supervisor.configurations(of: key)
        guard !running.isEmpty else { return }
        logger.info("stopping \(running.count) adapter(s) of \(key): \(reason)")
        _ = await supervisor.apply(AdapterPlan(stop: running.keys.sorted()))
        notices.withLock { notices in
            for adapterKey in running.keys { notices.transitions.forget(adapterKey) }
        }
    }

    private func announce(_ change: AdapterSupervisor.Change, object: JSONValue) async {
        switch change {
        case .started(let key):
            logger.info("started adapter \(key)")
            await record(object, warning: false, reason: "AdapterStarted", note: "\(key.eventName): adapter started")
        case .restarted(let key):
            logger.info("restarted adapter \(key) with its new configuration")
            notices.withLock { $0.transitions.forget(key) }
            await record(object, warning: false, reason: "AdapterRestarted", note: "\(key.eventName): configuration changed, adapter restarted")
        case .stopped(let key):
            logger.info("stopped adapter \(key)")
            notices.withLock { $0.transitions.forget(key) }
            await record(object, warning: false, reason: "AdapterStopped", note: "\(key.eventName): adapter stopped; its consumer group is kept")
        }
    }

    /// Unknown, misplaced or ignored fields: a Warning Event once per distinct set, and a log line.
    private func announce(_ warnings: [ValidationProblem], of key: ObjectKey, object: JSONValue) async {
        guard let note = notices.withLock({ $0.spec.warningNote(key, warnings) }) else { return }
        logger.warning("\(key.kind) \(key) has spec warnings: \(note)")
        await record(object, warning: true, reason: "SpecWarnings", note: note)
    }

    private func record(_ object: JSONValue, _ notice: TransitionEvents.Notice) async {
        await record(object, warning: notice.warning, reason: notice.reason, note: notice.note)
    }

    /// Events are the leader's to write, and a failure to write one never fails a reconcile.
    private func record(_ object: JSONValue, warning: Bool, reason: String, note: String) async {
        let key = ObjectKey(
            namespace: object["metadata"]?["namespace"]?.stringValue ?? "", name: object["metadata"]?["name"]?.stringValue ?? "")
        guard leadership.writesStatus(of: key), let recorder else { return }
        do {
            try await recorder.record(
                regarding: object, type: warning ? .warning : .normal, reason: reason, action: "Reconcile", note: note)
        } catch {
            logger.warning("could not record Event \(reason): \(error)")
        }
    }

    static func now() -> String {
        KubeTime.time()
    }
}
