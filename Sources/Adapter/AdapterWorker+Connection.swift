import AdapterModel

/// Opening the Redis connection the core asks for with `.connect`.
extension AdapterWorker {
    func connect() async -> ConsumerInput {
        dropConnection()
        changeStatus([.connectAttempted])
        do throws(RedisError) {
            let (opened, server) = try await connector.openNamingServer(on: loop, severer: severer)
            connection = opened
            // Lets a stop unblock our reads; a user without the right to ask simply waits out BLOCK.
            var canBeUnblocked = false
            do throws(RedisError) {
                clientID = try await opened.command(["CLIENT", "ID"], timeout: commandTimeout).integer
                // Unblocking ourselves (not blocked: a no-op) proves a stop may unblock us; only then may reads block long.
                if let clientID {
                    try await opened.command(["CLIENT", "UNBLOCK", RedisArgument(Int(clientID))], timeout: commandTimeout)
                    canBeUnblocked = true
                }
            } catch .server {
                canBeUnblocked = false
            }
            let now = WallClock.millisecondsSinceEpoch()
            let (before, after) = changeStatus([
                .connected(server: server, streams: configuration.source.streams, atMillisecondsSinceEpoch: now)
            ])
            recordConnected(after)
            metrics.noteServer(server, failovers: after.failovers - before.failovers, atMillisecondsSinceEpoch: now)
            logger.info("connected to Redis at \(server)")
            return .connected(stopCanUnblockReads: canBeUnblocked)
        } catch .unusableTLSMaterial(let reason) {
            return .cannotRun("TLS material unusable: \(reason)")
        } catch {
            return .redisFailed(error)
        }
    }
}
