import AdapterModel
import EventSourceAPI
import NIOCore
import Sinks
import Synchronization

/// One control connection per Redis server and credentials, shared by every adapter of the
/// runtime (`AdapterRuntime`), for the stops' `CLIENT UNBLOCK`: a controller stopping thousands of adapters sends
/// their unblocks pipelined on one connection instead of opening thousands. Each lives on one
/// event loop; it is opened on first use and closed once idle for a second, so a process that
/// is not stopping anything keeps no control connections.
final class ControlConnections: Sendable {
    private let eventLoops: any EventLoopGroup

    init(eventLoops: any EventLoopGroup) {
        self.eventLoops = eventLoops
    }

    /// A Sentinel or cluster target is looked up again whenever its control connection is (re)opened.
    struct Key: Hashable, Sendable {
        let target: RedisTarget
        let routingKey: String?

        init(_ connector: RedisConnector) {
            target = connector.target
            // Only a cluster connection depends on the key's slot.
            if case .cluster = connector.target.topology { routingKey = connector.routingKey } else { routingKey = nil }
        }
    }

    private let entries = Mutex<[Key: ControlConnection]>([:])

    /// The shared control connection's owner for `connector`'s server and credentials.
    func connection(for connector: RedisConnector) -> ControlConnection {
        entries.withLock { entries in
            let key = Key(connector)
            if let existing = entries[key] { return existing }
            let created = ControlConnection(connector: connector, loop: eventLoops.next())
            entries[key] = created
            return created
        }
    }
}

/// The actor owning one shared control connection, isolated to its event loop.
actor ControlConnection {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    private let connector: RedisConnector
    private var pipe: (any RedisPipe)?
    /// Whether a connect is in progress; callers arriving meanwhile wait for it in `waiting`.
    private var isOpening = false
    private var waiting: [CheckedContinuation<Void, Never>] = []
    /// Counts commands, so an idle check can tell whether any came since it was scheduled.
    private var uses = 0
    private static let idleClose = Duration.seconds(1)

    init(connector: RedisConnector, loop: EventLoop) {
        self.connector = connector
        self.loop = loop
    }

    /// Sends one command on the shared connection; a broken connection is forgotten, so the next call opens another.
    func command(_ arguments: [RedisArgument], timeout: Duration) async throws(RedisError) -> RESPValue {
        let pipe = try await open()
        uses += 1
        let use = uses
        defer {
            loop.scheduleTask(in: Self.idleClose.timeAmount) { [self] in
                Task { await closeIfIdle(since: use) }
            }
        }
        do throws(RedisError) {
            return try await pipe.command(arguments, timeout: timeout)
        } catch {
            // A redirect: the next command looks the key's node up again.
            if error.breaksConnection || error.isClusterRedirect, self.pipe === pipe {
                pipe.close()
                self.pipe = nil
            }
            throw error
        }
    }

    private func closeIfIdle(since use: Int) {
        guard uses == use, !isOpening else { return }
        pipe?.close()
        pipe = nil
    }

    private func open() async throws(RedisError) -> any RedisPipe {
        while isOpening {
            await withCheckedContinuation { waiting.append($0) }
        }
        if let pipe { return pipe }
        isOpening = true
        defer {
            isOpening = false
            let woken = waiting
            waiting = []
            for waiter in woken { waiter.resume() }
        }
        let opened = try await connector.open(on: loop)
        pipe = opened
        return opened
    }
}
