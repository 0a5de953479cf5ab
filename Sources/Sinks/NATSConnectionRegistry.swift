import AdapterModel
import Synchronization

/// One NATS connection per (URL, credentials, TLS) for the whole runtime (`SinkRuntime`), counted
/// by users: libnats starts threads per connection, so thousands of adapters on one EventBus must
/// share. The last adapter to let go closes it. Connecting blocks, so it happens on `setup`.
public final class NATSConnectionRegistry: Sendable {
    /// Where the sinks of this registry connect and set their stream up.
    let setup = JetStreamSetupThread()

    private struct Entry {
        let connection: NATSConnection
        var users: Int
    }

    private let entries = Mutex<[NATSConnectionKey: Entry]>([:])

    public init() {}

    /// The shared connection for `key`, connecting when there is none. Connecting happens
    /// outside the lock, so a slow or unreachable server does not hold up other buses.
    func acquire(_ key: NATSConnectionKey) throws(JetStreamError) -> NATSConnection {
        if let existing = entries.withLock({ entries -> NATSConnection? in
            guard var entry = entries[key] else { return nil }
            entry.users += 1
            entries[key] = entry
            return entry.connection
        }) {
            return existing
        }
        let fresh = try NATSConnection.connect(key)
        return entries.withLock { entries in
            // Another adapter may have connected meanwhile; use its connection, drop ours.
            var entry = entries[key] ?? Entry(connection: fresh, users: 0)
            entry.users += 1
            entries[key] = entry
            return entry.connection
        }
    }

    func release(_ connection: NATSConnection) {
        let last = entries.withLock { entries -> NATSConnection? in
            guard var entry = entries[connection.key], entry.connection === connection else { return nil }
            entry.users -= 1
            if entry.users > 0 {
                entries[connection.key] = entry
                return nil
            }
            entries[connection.key] = nil
            return entry.connection
        }
        _ = last  // closed by its deinit once the last reference goes, outside the lock
    }

    /// How many connections are open: one per distinct server and login, however many adapters.
    public var connectionCount: Int { entries.withLock { $0.count } }
}
