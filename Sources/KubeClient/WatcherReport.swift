/// What a `ResourceWatcher` tells its owner besides the updates: each failed request, and the
/// first success after failures. The watcher retries by itself either way.
public enum WatcherReport: Sendable, Equatable {
    case failed(WatchFailure)
    /// A list completed, or a watch delivered or ended cleanly, after one or more failures.
    case recovered(resource: String)
}
