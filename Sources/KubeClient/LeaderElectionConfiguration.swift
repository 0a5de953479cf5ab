/// Which Lease to hold, as whom, and client-go's timing: a lease lasts 15 s, the leader gives up
/// if it cannot renew within 10 s, and every attempt is 2 s apart.
public struct LeaderElectionConfiguration: Sendable {
    public var leaseName: String
    public var namespace: String
    /// Unique per process (pod name plus a random suffix, say).
    public var identity: String
    public var leaseDuration: Duration
    public var renewDeadline: Duration
    public var retryPeriod: Duration
    /// On cancellation, clear the holder so another candidate can take over at once instead of
    /// waiting for the lease to expire.
    public var releaseOnCancel: Bool

    public init(
        leaseName: String, namespace: String, identity: String, leaseDuration: Duration = .seconds(15),
        renewDeadline: Duration = .seconds(10), retryPeriod: Duration = .seconds(2), releaseOnCancel: Bool = true
    ) {
        self.leaseName = leaseName
        self.namespace = namespace
        self.identity = identity
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
        self.releaseOnCancel = releaseOnCancel
    }
}
