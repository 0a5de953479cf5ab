import Synchronization

/// The adapter thread writes its status here; the controller and tests read snapshots.
public final class AdapterStatusCell: Sendable {
    private let status: Mutex<AdapterStatus>

    public init(_ initial: AdapterStatus) {
        status = Mutex(initial)
    }

    public var snapshot: AdapterStatus { status.withLock { $0 } }

    /// The one place status changes: folds `events` through `AdapterStatus.reduce(_:)` under one
    /// lock, and returns the status before and after, for the metrics and log lines they make.
    @discardableResult
    package func apply(_ events: [AdapterStatusEvent]) -> (before: AdapterStatus, after: AdapterStatus) {
        status.withLock { current in
            let before = current
            current = current.reduced(events)
            return (before, current)
        }
    }
}
