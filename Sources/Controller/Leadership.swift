import Synchronization

/// Whether this replica may write status and Events. Without leader election it always may;
/// with it, only while it holds the Lease. Consumption never depends on it.
public final class Leadership: Sendable {
    private let leading: Atomic<Bool>

    public init(leading: Bool) {
        self.leading = Atomic(leading)
    }

    public var isLeader: Bool { leading.load(ordering: .acquiring) }

    public func set(_ value: Bool) {
        leading.store(value, ordering: .releasing)
    }
}
