import KubeClient

/// Whether this replica may write status and Events. Without leader election it always may;
/// with it, exactly while its `LeaderElector` holds the Lease: the elector is the one place
/// that knows. Consumption never depends on it.
public struct Leadership: Sendable {
    private let elector: LeaderElector?
    private let fixed: Bool

    /// Leads always (`true`, no leader election) or never.
    public init(leading: Bool) {
        elector = nil
        fixed = leading
    }

    public init(elector: LeaderElector) {
        self.elector = elector
        fixed = false
    }

    public var isLeader: Bool { elector?.isLeader ?? fixed }
}
