import Synchronization

/// The server's memory, behind one lock. Every request runs as one transaction, which keeps
/// resourceVersions strictly increasing and the order of watch events the order of writes.
final class ObjectStore: Sendable {
    private let state: Mutex<StoreState>

    init(historyLimit: Int) {
        state = Mutex(StoreState(historyLimit: historyLimit))
    }

    func transaction<Result: Sendable, Failure: Error>(
        _ body: (inout StoreState) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try state.withLock { (state: inout StoreState) throws(Failure) -> Result in try body(&state) }
    }
}
