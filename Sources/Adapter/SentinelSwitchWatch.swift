import AdapterModel
import EventSourceAPI
import NIOCore
import Synchronization

/// Listens to a Sentinel's `+switch-master` announcements for one master and calls `onSwitch` when
/// it moves, so the adapter reconnects (asking the Sentinels) at once. Without it the adapter
/// follows only when its connection fails or the demoted master answers READONLY, which, with the
/// old master cut off from the Sentinels but not from us, may be never. Sentinels are tried in
/// turn; a lost subscription is re-made with the adapter's backoff.
actor SentinelSwitchWatch {
    nonisolated let loop: EventLoop
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.executor.asUnownedSerialExecutor() }
    private let masterName: String
    private let connectors: [RedisConnector]
    private let stop = StopSignal()
    /// Closes the current subscription's channel (closing a channel is safe from any thread).
    private let closeSubscription = Mutex<(@Sendable () -> Void)?>(nil)

    init?(target: RedisTarget, loop: EventLoop) {
        guard case .sentinel(let masterName, let sentinels, let username, let password) = target.topology, !sentinels.isEmpty
        else { return nil }
        self.loop = loop
        self.masterName = masterName
        connectors = sentinels.map { sentinel in
            RedisConnector(
                target: RedisTarget(topology: .server(.tcp(sentinel)), username: username, password: password, tls: target.tls),
                connectTimeout: .seconds(5), commandTimeout: .seconds(5))
        }
    }

    /// Ends the watch: its subscription is closed and `run` returns.
    nonisolated func cancel() {
        stop.stop()
        closeSubscription.withLock { $0.take() }?()
    }

    func run(onSwitch: @Sendable () -> Void) async {
        var backoff = Backoff.redisReconnect
        var turn = 0
        while !stop.isStopped {
            let connector = connectors[turn % connectors.count]
            turn += 1
            do throws(RedisError) {
                let opened = try await connector.open(on: loop)
                guard let pipe = opened as? RedisChannelPipe else {
                    opened.close()
                    return
                }
                closeSubscription.withLock { $0 = { [channel = pipe.channel] in channel.close(promise: nil) } }
                if stop.isStopped {
                    pipe.close()
                    return
                }
                try await pipe.command(["SUBSCRIBE", "+switch-master"], timeout: .seconds(5))
                backoff.reset()
                while !stop.isStopped {
                    // ["message", "+switch-master", "<name> <old-ip> <old-port> <new-ip> <new-port>"]
                    let message = try await pipe.nextMessage(timeout: .seconds(3600))
                    if let text = message.array?.last?.string, text.split(separator: " ").first.map(String.init) == masterName {
                        onSwitch()
                    }
                }
                pipe.close()
            } catch {
                closeSubscription.withLock { $0.take() }?()
                if await stop.sleep(for: backoff.next(), on: loop) { return }
            }
        }
    }
}
