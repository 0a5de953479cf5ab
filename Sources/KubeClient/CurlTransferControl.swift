import CurlCore
import Synchronization

/// How a caller stops one Kubernetes transfer from any thread (a cancelled task, a watch whose
/// consumer went away): the flag libcurl's progress callback reads, and the transfer itself,
/// which the loop thread abandons at once, so even an idle watch stops without waiting for data.
final class CurlTransferControl: Sendable {
    let cancellation = CancellationFlag()
    private let running = Mutex<CurlTransfer?>(nil)
    private let loop: CurlTransferLoop

    init(loop: CurlTransferLoop) {
        self.loop = loop
    }

    /// Loop thread: the transfer has started (nil: it has finished).
    func attach(_ transfer: CurlTransfer?) {
        running.withLock { $0 = transfer }
    }

    func cancel() {
        cancellation.cancel()
        guard let transfer = running.withLock({ $0 }) else { return }
        let loop = self.loop
        loop.execute { transfer.abort(on: loop) }
    }
}
