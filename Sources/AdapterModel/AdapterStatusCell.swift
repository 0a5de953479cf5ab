import Synchronization

/// The adapter thread writes its status here; the controller and tests read snapshots.
public final class AdapterStatusCell: Sendable {
    private let status: Mutex<AdapterStatus>

    public init(_ initial: AdapterStatus) {
        status = Mutex(initial)
    }

    public var snapshot: AdapterStatus { status.withLock { $0 } }

    package func update<T>(_ change: (inout AdapterStatus) -> T) -> T {
        status.withLock { change(&$0) }
    }
}
