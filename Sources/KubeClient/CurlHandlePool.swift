import CurlCore
import Synchronization

/// Idle easy handles kept for reuse, because each keeps its TLS sessions (and libcurl finds its
/// connections again in the transfer loop's cache).
final class CurlHandlePool: Sendable {
    private let idle = Mutex<[CurlEasyHandle]>([])
    private let capacity: Int

    init(capacity: Int = 8) {
        self.capacity = capacity
    }

    func take() throws(KubeError) -> CurlEasyHandle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        do {
            return try CurlEasyHandle()
        } catch {
            throw .transport("libcurl could not create a handle: \(error)", curlCode: error.code)
        }
    }

    func giveBack(_ handle: CurlEasyHandle) {
        idle.withLock { handles in
            if handles.count < capacity { handles.append(handle) }
        }
    }
}
