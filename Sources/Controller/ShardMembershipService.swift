import EventSourceAPI
import KubeClient
import Logging
import Reconciler
import ServiceLifecycle
import StructuredData
import Synchronization
import Timing

/// `--shard-by lease` membership as a service: holds this replica's own Lease (created at start,
/// renewed every renew period, deleted on graceful shutdown), watches the other replicas' Leases,
/// and publishes the live set to `ShardOwnership`, calling `onChange` when who owns what moved.
///
/// It sits first among the controller's services, so it stops last: by the time the Lease is
/// deleted the adapters have drained, and the replicas that take over find nothing left pending
/// by a graceful leave. A replica killed outright leaves its Lease to expire, and its pending
/// entries to the new owners' reclaim.
public final class ShardMembershipService: Service, Sendable {
    private let client: KubeClient
    private let ownership: ShardOwnership
    private let options: ShardingOptions
    private let logger: Logger
    private let clock: AnyClock
    private let onChange: @Sendable () async -> Void
    private let state: Mutex<State>

    private struct State: Sendable {
        var membership: ShardMembership
        var listed = false
        /// The Lease as we last wrote it (its resourceVersion makes the next renewal a checked update).
        var own: JSONValue?
        /// Notes about foreign Leases already logged, so each is told once.
        var told: Set<String> = []
        var lastRenewal: Duration
    }

    public init(
        client: KubeClient, ownership: ShardOwnership, options: ShardingOptions, logger: Logger,
        clock: some Clock<Duration> = ContinuousClock(), onChange: @escaping @Sendable () async -> Void
    ) {
        self.client = client
        self.ownership = ownership
        self.options = options
        self.logger = logger
        self.clock = AnyClock(clock)
        self.onChange = onChange
        state = Mutex(
            State(
                membership: ShardMembership(
                    identity: ownership.identity, leasePrefix: options.leasePrefix, defaultLeaseDuration: options.leaseDuration),
                lastRenewal: .zero))
    }

    private var leaseName: String { ShardMembership.leaseName(prefix: options.leasePrefix, identity: ownership.identity) }
    private var selector: String { "\(ShardingOptions.membershipLabel)=\(options.leaseName)" }

    public func run() async throws {
        guard KubernetesName.dnsSubdomainProblem(leaseName) == nil else { throw ShardMembershipError.invalidIdentity(ownership.identity) }
        try await join()
        logger.info("joined the shard group", metadata: [
            "lease": "\(options.leaseNamespace)/\(leaseName)", "replicasPerSource": "\(options.replicasPerSource)",
        ])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.renewals() }
            group.addTask { await self.watchMembers() }
            group.addTask { await self.expiries() }
            group.addTask { try? await gracefulShutdown() }
            _ = await group.next()
            group.cancelAll()
        }
        await leave()
    }

    /// Checks the permissions up front (a clear error at start, not a replica that silently runs
    /// everything alone), then writes our own Lease. Anything else than a refusal is retried.
    private func join() async throws {
        var backoff = Backoff(duration: .milliseconds(200), factor: 2, jitter: 0.1, cap: options.renewPeriod)
        while true {
            do {
                _ = try await client.list(.leases, namespace: options.leaseNamespace, options: ListOptions(labelSelector: selector, limit: 1))
            } catch {
                if case .unauthorized = error { throw ShardMembershipError.forbidden(verb: "list", namespace: options.leaseNamespace, error) }
                logger.warning("could not list the shard membership Leases, retrying: \(error)")
                try await clock.sleep(for: backoff.next())
                continue
            }
            switch await renew() {
            case .success: return
            case .failure(let error):
                if case .unauthorized = error {
                    throw ShardMembershipError.forbidden(verb: "create or update", namespace: options.leaseNamespace, error)
                }
                logger.warning("could not write this replica's membership Lease, retrying: \(error)")
                try await clock.sleep(for: backoff.next())
            }
        }
    }

    /// Writes our Lease with a fresh renewTime: an update of the one we hold, else a create,
    /// else (it exists but we do not hold its version) a read and an update.
    private func renew() async -> Result<Void, KubeError> {
        let now = KubeTime.microTime()
        let seconds = Int64(max(1, options.leaseDuration.components.seconds))
        var lease = state.withLock { $0.own } ?? [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": [
                "name": .string(leaseName), "namespace": .string(options.leaseNamespace),
                "labels": [.init(ShardingOptions.membershipLabel): .string(options.leaseName)],
            ],
            "spec": [:],
        ]
        lease["spec"]?["holderIdentity"] = .string(ownership.identity)
        lease["spec"]?["leaseDurationSeconds"] = .int(seconds)
        lease["spec"]?["renewTime"] = .string(now)
        if lease["spec"]?["acquireTime"] == nil { lease["spec"]?["acquireTime"] = .string(now) }
        do {
            let written: JSONValue
            if lease["metadata"]?["resourceVersion"] != nil {
                written = try await client.update(.leases, lease, namespace: options.leaseNamespace)
            } else {
                do {
                    written = try await client.create(.leases, lease, namespace: options.leaseNamespace)
                } catch .alreadyExists {
                    var existing = try await client.get(.leases, name: leaseName, namespace: options.leaseNamespace)
                    existing["spec"] = lease["spec"]
                    existing["metadata"]?["labels"] = lease["metadata"]?["labels"]
                    written = try await client.update(.leases, existing, namespace: options.leaseNamespace)
                }
            }
            let at = clock.now.offset
            state.withLock {
                $0.own = written
                $0.lastRenewal = at
            }
            return .success(())
        } catch {
            // A conflict or a deleted Lease: start again from what the server holds.
            if error.isConflict || error.isNotFound { state.withLock { $0.own = nil } }
            return .failure(error)
        }
    }

    private func renewals() async {
        var warned = false
        while (try? await clock.sleep(for: options.renewPeriod)) != nil {
            switch await renew() {
            case .success:
                warned = false
            case .failure(let error):
                let silent = state.withLock { clock.now.offset - $0.lastRenewal }
                if silent >= options.leaseDuration && !warned {
                    warned = true
                    logger.warning(
                        "this replica's membership Lease has not been renewed for \(silent): the others may take over its EventSources while it still runs them (duplicates at most, through the same consumer groups): \(error)")
                }
            }
        }
    }

    private func watchMembers() async {
        let watcher = client.watcher(.leases, namespace: options.leaseNamespace, options: .init(labelSelector: selector))
        do {
            for try await update in watcher {
                let now = clock.now.offset
                let verdicts = state.withLock { state -> [ShardMembership.Verdict] in
                    switch update {
                    case .replaceAll(let leases, _):
                        state.listed = true
                        return state.membership.replaceAll(leases, now: now)
                    case .added(let lease), .modified(let lease):
                        return [state.membership.observe(lease, now: now)]
                    case .deleted(let lease):
                        state.membership.remove(lease)
                        return []
                    }
                }
                for case .notAReplica(let note) in verdicts where state.withLock({ $0.told.insert(note).inserted }) {
                    logger.warning("\(note)")
                }
                await publish()
            }
        } catch {
            if !(error is CancellationError) { logger.error("membership Lease watch ended: \(error)") }
        }
    }

    /// Leases that stop being renewed expire without any watch event: look when the next one runs
    /// out (at most a renew period apart), so a killed replica's EventSources move on at its
    /// expiry, not up to a renew period later (issue 20's failover timeline in BENCHMARKS.md).
    private func expiries() async {
        while (try? await clock.sleep(for: nextLook())) != nil { await publish() }
    }

    private func nextLook() -> Duration {
        let now = clock.now.offset
        guard let expiry = state.withLock({ $0.membership.nextExpiry(after: now) }) else { return options.renewPeriod }
        // A floor keeps a Lease expiring this very instant from spinning the loop.
        return max(.milliseconds(10), min(options.renewPeriod, expiry - now))
    }

    private func publish() async {
        let now = clock.now.offset
        guard let live = state.withLock({ $0.listed ? $0.membership.live(now: now) : nil }) else { return }
        guard ownership.publish(live: live) else { return }
        logger.info("live replicas: \(live.joined(separator: ", "))")
        if live.count < options.replicasPerSource {
            logger.warning(
                "--replicas-per-source \(options.replicasPerSource) is more than the \(live.count) live replica(s): every EventSource runs on all of them")
        }
        await onChange()
    }

    /// A graceful leave: the Lease goes, so the others take over at once instead of after its
    /// expiry. Runs in a task of its own, so a cancelled shutdown does not abort the request.
    private func leave() async {
        let client = self.client
        let namespace = options.leaseNamespace
        let name = leaseName
        let logger = self.logger
        await Task {
            do throws(KubeError) {
                try await client.delete(.leases, name: name, namespace: namespace)
                logger.info("left the shard group", metadata: ["lease": "\(namespace)/\(name)"])
            } catch {
                if !error.isNotFound { logger.warning("could not delete this replica's membership Lease; it will expire: \(error)") }
            }
        }.value
    }
}
