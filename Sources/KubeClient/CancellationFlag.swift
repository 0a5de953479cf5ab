import Synchronization

/// Set by the async side when a caller goes away; read by libcurl's progress callback on the
/// transfer thread, which then aborts the transfer.
final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
