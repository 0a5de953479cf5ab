import StructuredData

/// What a watcher tells its cache.
public enum WatcherUpdate: Sendable, Equatable {
    /// The complete set of objects as of `resourceVersion`: replace the cache's contents in one
    /// step. Comes first, and again after every relist (a 410, say).
    case replaceAll([JSONValue], resourceVersion: String)
    case added(JSONValue)
    case modified(JSONValue)
    case deleted(JSONValue)
}
