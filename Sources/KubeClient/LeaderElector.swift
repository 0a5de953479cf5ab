import Logging
import StructuredData
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, following client-go: a candidate takes
/// the lease when it is free or its holder has not renewed it for a lease duration (measured on
/// our own clock from when we last saw it change); the take-over is a PUT carrying the
/// resourceVersion we read, so when two race, the loser gets 409 Conflict.
public final class LeaderElector: Sendable {
    public enum Outcome: Sendable, Equatable {
        /// The lease could not be renewed within the renew deadline; the work was cancelled.
        case lostLeadership
        /// The work returned while we still led.
        case workFinished
    }

    private struct Observation: Sendable {
        var spec: JSONValue?
        var seenAt: AnyClock.Instant?
        var isLeader = false
    }

    public let configuration: LeaderElectionConfiguration
    private let client: KubeClient
    private let logger: Logger
    private let observation = Mutex(Observation())
    /// Measures lease expiry and paces attempts; tests pass a clock they advance themselves.
    private let clock: AnyClock

    public init(
        client: KubeClient, configuration: LeaderElectionConfiguration, logger: Logger = Logger(label: "leader-election"),
        clock: some Clock<Duration> = ContinuousClock()
    ) {
        // Each attempt is retried by the election loop itself, on its own schedule.
        self.client = client.withRetryPolicy(.never)
        self.configuration = configuration
        self.logger = logger
        self.clock = AnyClock(clock)
    }

    public var isLeader: Bool { observation.withLock { $0.isLeader } }

    /// The holder of the lease when we last looked.
    public var observedLeader: String? {
        observation.withLock { $0.spec?["holderIdentity"]?.stringValue }.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Campaigns until it holds the lease, then runs `work` while renewing. Returns when the lease
    /// is lost (after cancelling `work`) or when `work` returns. Cancelling the calling task stops
    /// campaigning and, while leading, cancels `work`. Leading ends with the lease released when
    /// `releaseOnCancel` is set and it still names us.
    public func run(whileLeading work: @escaping @Sendable () async throws -> Void) async throws -> Outcome {
        // client-go waits wait.Jitter(retryPeriod, 1.2) between attempts: a constant period, jittered.
        var pace = Backoff(duration: configuration.retryPeriod, factor: 1, jitter: 1.2)
        while !(await tryAcquireOrRenew()) {
            try await clock.sleep(for: pace.next())
        }
        logger.info("became leader", metadata: ["lease": "\(configuration.namespace)/\(configuration.leaseName)"])
        let outcome: Outcome
        do {
            outcome = try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    try await work()
                    return .workFinished
                }
                group.addTask {
                    await self.renewUntilLost()
                    return .lostLeadership
                }
                defer { group.cancelAll() }
                return try await group.next() ?? .lostLeadership
            }
        } catch {
            await stepDown()
            throw error
        }
        await stepDown()
        // On cancellation both children end at once, and the renewer (which returns rather than
        // throws) may answer first: cancellation is told by the task, not by which child won.
        if Task.isCancelled { throw CancellationError() }
        if outcome == .lostLeadership { logger.warning("lost leadership") }
        return outcome
    }

    /// One round of client-go's tryAcquireOrRenew: true when we hold the lease afterwards.
    public func tryAcquireOrRenew() async -> Bool {
        let now = clock.now
        let existing: JSONValue
        do {
            existing = try await client.get(.leases, name: configuration.leaseName, namespace: configuration.namespace)
        } catch .notFound {
            return await createLease()
        } catch {
            logger.debug("could not read lease", metadata: ["error": "\(error)"])
            return false
        }
        let spec = existing["spec"] ?? .object(JSONObject())
        let seenAt = observation.withLock { state -> AnyClock.Instant in
            if state.spec != spec || state.seenAt == nil {
                state.spec = spec
                state.seenAt = now
            }
            return state.seenAt!
        }
        let holder = spec["holderIdentity"]?.stringValue ?? ""
        if !holder.isEmpty && holder != configuration.identity && now < seenAt + configuration.leaseDuration {
            return false
        }
        var lease = existing
        var newSpec = spec
        let time = KubeTime.microTime()
        newSpec["holderIdentity"] = .string(configuration.identity)
        newSpec["leaseDurationSeconds"] = .int(Int64(configuration.leaseDuration.components.seconds))
        newSpec["renewTime"] = .string(time)
        if holder != configuration.identity {
            newSpec["acquireTime"] = .string(time)
            newSpec["leaseTransitions"] = .int((spec["leaseTransitions"]?.intValue ?? 0) + 1)
        }
        lease["spec"] = newSpec
        do {
            // The read resourceVersion rides along: if anyone wrote in between, this is a 409.
            let updated = try await client.update(.leases, lease, namespace: configuration.namespace)
            observe(updated, leading: true)
            return true
        } catch {
            logger.debug("could not take or renew lease", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func createLease() async -> Bool {
        let time = KubeTime.microTime()
        let lease: JSONValue = [
            "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": ["name": .string(configuration.leaseName), "namespace": .string(configuration.namespace)],
            "spec": [
                "holderIdentity": .string(configuration.identity),
                "leaseDurationSeconds": .int(Int64(configuration.leaseDuration.components.seconds)),
                "acquireTime": .string(time), "renewTime": .string(time), "leaseTransitions": 0,
            ],
        ]
        do {
            observe(try await client.create(.leases, lease, namespace: configuration.namespace), leading: true)
            return true
        } catch {
            logger.debug("could not create lease", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func observe(_ lease: JSONValue, leading: Bool) {
        observation.withLock { state in
            state.spec = lease["spec"]
            state.seenAt = clock.now
            state.isLeader = leading
        }
    }

    /// Renews every retry period; returns once a renewal has failed for a whole renew deadline.
    private func renewUntilLost() async {
        while !Task.isCancelled {
            do {
                try await clock.sleep(for: configuration.retryPeriod)
            } catch {
                return
            }
            let deadline = clock.now.advanced(by: configuration.renewDeadline)
            var renewed = false
            while !renewed && clock.now < deadline && !Task.isCancelled {
                renewed = await withDeadline(deadline, on: clock) { await self.tryAcquireOrRenew() } ?? false
                if !renewed {
                    let pause = min(configuration.retryPeriod, clock.now.duration(to: deadline))
                    if pause > .zero { try? await clock.sleep(for: pause) }
                }
            }
            if !renewed {
                observation.withLock { $0.isLeader = false }
                return
            }
        }
    }

    /// As client-go's renew loop ends, whatever ended it (work done, cancellation, a renewal that
    /// missed its deadline): with `releaseOnCancel`, a Lease that still names us is given up, so a
    /// standby need not wait for it to expire. A renewal that failed under load may still have
    /// left the Lease ours; the holder check keeps us from freeing one another has taken.
    private func stepDown() async {
        observation.withLock { $0.isLeader = false }
        guard configuration.releaseOnCancel else { return }
        // The caller's task may be cancelled, which would abort these requests at once; the
        // release runs in a task of its own and is awaited here.
        let client = self.client
        let configuration = self.configuration
        await Task {
            // A renewal cut short by the step-down may still have reached the server after our read:
            // that is a 409, and the Lease is read again (still ours, it is released).
            for _ in 0..<3 {
                guard var lease = try? await client.get(.leases, name: configuration.leaseName, namespace: configuration.namespace),
                    lease["spec"]?["holderIdentity"]?.stringValue == configuration.identity
                else { return }
                let time = KubeTime.microTime()
                lease["spec"]?["holderIdentity"] = nil
                lease["spec"]?["leaseDurationSeconds"] = 1
                lease["spec"]?["renewTime"] = .string(time)
                lease["spec"]?["acquireTime"] = .string(time)
                do {
                    _ = try await client.update(.leases, lease, namespace: configuration.namespace)
                    return
                } catch let error as KubeError where error.isConflict {
                    continue
                } catch {
                    return
                }
            }
        }.value
    }
}

/// Runs `body`, giving up (nil) at `deadline`.
func withDeadline<T: Sendable>(
    _ deadline: AnyClock.Instant, on clock: AnyClock, _ body: @escaping @Sendable () async -> T
) async -> T? {
    await withTaskGroup(of: T?.self) { group in
        group.addTask { await body() }
        group.addTask {
            try? await clock.sleep(until: deadline)
            return nil
        }
        defer { group.cancelAll() }
        return await group.next() ?? nil
    }
}
