import AdapterModel
import EventSourceAPI
import NIOCore
import Sinks

/// Opens a ready-to-use connection for one adapter: finds the server (asking the Sentinels or the
/// cluster when the entry names them), then transport and `RedisHandshake` (AUTH, SELECT), on an
/// event loop without blocking; tools and tests wait on it through `RedisClient`. Every open finds the server
/// anew, so an adapter that reconnects after a failover or a slot move reaches the new one.
struct RedisConnector {
    let target: RedisTarget
    /// A key of the entry's (all hash to one slot): a cluster connection goes to the node serving it.
    let routingKey: String?
    let connectTimeout: Duration
    let commandTimeout: Duration

    var db: Int { target.db }
    var username: String? { target.username }
    var password: SecretValue? { target.password }
    var tls: TLSMaterial? { target.tls }

    init(target: RedisTarget, routingKey: String? = nil, connectTimeout: Duration, commandTimeout: Duration) {
        self.target = target
        self.routingKey = routingKey
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    init(
        address: HostAddress, db: Int, username: String?, password: SecretValue?, tls: TLSMaterial?,
        connectTimeout: Duration, commandTimeout: Duration
    ) {
        self.init(
            target: RedisTarget(topology: .server(.tcp(address)), db: db, username: username, password: password, tls: tls),
            connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    init(configuration: AdapterConfiguration, connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(10)) {
        self.init(
            target: configuration.redis, routingKey: configuration.source.streams.first, connectTimeout: connectTimeout,
            commandTimeout: commandTimeout)
    }

    /// A non-blocking connection on `loop` (TLS as a non-blocking OpenSSL session), authenticated
    /// and on the right database.
    func open(
        on loop: EventLoop, severer: ConnectionSeverer? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> any RedisPipe {
        try await openNamingServer(on: loop, severer: severer).pipe
    }

    /// Like `open`, also naming the server it reached (for status: which master or node the streams are read from).
    func openNamingServer(
        on loop: EventLoop, severer: ConnectionSeverer? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> (pipe: any RedisPipe, server: String) {
        switch target.topology {
        case .server(let address):
            return (try await openServer(address, on: loop, severer: severer), address.description)
        case .sentinel(let masterName, let sentinels, let sentinelUser, let sentinelPassword):
            let lookup = SentinelMasterLookup(
                masterName: masterName, sentinels: sentinels, username: sentinelUser, password: sentinelPassword,
                tls: tls, timeout: connectTimeout)
            let master = try await lookup.master(on: loop)
            let pipe = try await openServer(.tcp(master), on: loop, severer: severer)
            do throws(RedisError) {
                try await SentinelMasterLookup.confirmMaster(pipe, at: master, name: masterName, timeout: commandTimeout)
            } catch {
                pipe.close()
                throw error
            }
            return (pipe, master.description)
        case .cluster(let seeds):
            let lookup = ClusterSlotLookup(
                seeds: seeds, username: username, password: password, tls: tls, timeout: connectTimeout)
            let slot = RedisHashSlot.slot(of: routingKey ?? "")
            let node = try await lookup.owner(ofSlot: slot, on: loop)
            return (try await openServer(.tcp(node), on: loop, severer: severer), node.description)
        }
    }

    private func openServer(
        _ address: RedisServerAddress, on loop: EventLoop, severer: ConnectionSeverer?,
        isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> any RedisPipe {
        var context: TLSClientContext?
        if let tls {
            do throws(SocketError) {
                context = try TLSClientContext(material: tls)
            } catch {
                throw RedisError(error)
            }
        }
        let pipe = try await RedisChannelPipe.connect(to: address, on: loop, timeout: connectTimeout, tls: context)
        severer?.register { [channel = pipe.channel] in channel.close(promise: nil) }
        do throws(RedisError) {
            for step in RedisHandshake(username: username, password: password, db: db).steps {
                do throws(RedisError) {
                    try await pipe.command(step.arguments, timeout: commandTimeout)
                } catch {
                    throw step.failure(error)
                }
            }
        } catch {
            pipe.close()
            throw error
        }
        return pipe
    }
}
