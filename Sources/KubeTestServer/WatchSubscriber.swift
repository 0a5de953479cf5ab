/// A live watch as the store sees it: changes to one resource go to `receive`, in order,
/// while the store's lock is held, so the callee must only hand them on (to an event loop).
final class WatchSubscriber: Sendable {
    let id: Int
    let storage: StorageKey
    private let onChange: @Sendable (Change) -> Void
    private let onEnd: @Sendable () -> Void

    init(id: Int, storage: StorageKey, onChange: @escaping @Sendable (Change) -> Void, onEnd: @escaping @Sendable () -> Void) {
        self.id = id
        self.storage = storage
        self.onChange = onChange
        self.onEnd = onEnd
    }

    func receive(_ change: Change) { onChange(change) }
    func end() { onEnd() }
}
