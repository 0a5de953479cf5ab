import Logging
import NIOCore
import Synchronization

/// Lets a stop end an adapter's blocking XREADGROUP at once instead of waiting out its BLOCK.
///
/// The adapter registers its connection's client id while it blocks; a stop then sends
/// `CLIENT UNBLOCK <id> TIMEOUT` from a control connection shared per server, so the read returns as
/// if its BLOCK had run out — together with any entries Redis already assigned, which the adapter
/// still delivers and acknowledges. Closing the socket instead could strand such entries.
/// Without the right to run CLIENT UNBLOCK (a restricted ACL user) the read ends within its BLOCK.
final class BlockedReadInterrupter: Sendable {
    private let blockedClient = Mutex<Int64?>(nil)
    /// The unblock attempts under way; the adapter waits for them before it counts as stopped, so
    /// none is left using the runtime's event loops once they shut down.
    private let attempts = Mutex<[Task<Void, Never>]>([])

    /// Called by the adapter right before it writes a blocking read; false when a stop already
    /// came, in which case the read must not be sent.
    func beginBlocking(clientID: Int64, stop: StopSignal) -> Bool {
        blockedClient.withLock { $0 = clientID }
        // Checked after registering: a stop that read no client id has already set the flag.
        if stop.isStopped {
            endBlocking()
            return false
        }
        return true
    }

    func endBlocking() {
        blockedClient.withLock { $0 = nil }
    }

    /// Unblocks the registered read through the process's shared control connection to that
    /// server, repeating while the read has not yet reached Redis. A control connection that
    /// cannot be opened (Redis busy accepting thousands of others) is tried again for as long as
    /// the read is still blocked, since an idle read may block for minutes. Only a user without
    /// the right to unblock gives up: its reads block for `blockTime` alone. Never blocks a thread.
    func interrupt(connector: RedisConnector, through controlConnections: ControlConnections, logger: Logger) {
        guard let target = blockedClient.withLock({ $0 }) else { return }
        let control = controlConnections.connection(for: connector)
        let attempt = Task { [self] in
            let pause = StopSignal()
            var reported = false
            while blockedClient.withLock({ $0 }) == target {
                do throws(RedisError) {
                    try await control.command(["CLIENT", "UNBLOCK", RedisArgument(Int(target)), "TIMEOUT"], timeout: .seconds(2))
                    _ = await pause.sleep(for: .milliseconds(20), on: control.loop)
                } catch .server(_, let message) {
                    logger.notice("could not interrupt the blocked read (\(message)); it ends within its BLOCK time")
                    return
                } catch {
                    if !reported {
                        logger.notice("could not interrupt the blocked read yet (\(error)); trying again")
                        reported = true
                    }
                    _ = await pause.sleep(for: .milliseconds(200), on: control.loop)
                }
            }
        }
        attempts.withLock { $0.append(attempt) }
    }

    /// Returns once every unblock attempt has ended; each ends soon after the read it targets
    /// ended (`endBlocking`).
    func waitForAttempts() async {
        for attempt in attempts.withLock({ $0 }) { await attempt.value }
    }
}
