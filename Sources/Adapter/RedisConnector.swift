import AdapterModel
import EventSourceAPI
import NIOCore
import Sinks

/// Opens a ready-to-use connection for one adapter: transport, AUTH, SELECT. `open` gives the
/// non-blocking kind adapters use; `connect` the blocking one of tools and tests.
struct RedisConnector {
    let address: HostAddress
    let db: Int
    let username: String?
    let password: SecretValue?
    let tls: TLSMaterial?
    let connectTimeout: Duration
    let commandTimeout: Duration

    init(
        address: HostAddress, db: Int, username: String?, password: SecretValue?, tls: TLSMaterial?,
        connectTimeout: Duration, commandTimeout: Duration
    ) {
        self.address = address
        self.db = db
        self.username = username
        self.password = password
        self.tls = tls
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
    }

    init(configuration: AdapterConfiguration, connectTimeout: Duration = .seconds(5), commandTimeout: Duration = .seconds(10)) {
        self.init(
            address: configuration.source.hostAddress, db: configuration.source.db,
            username: configuration.source.username, password: configuration.password, tls: configuration.tls,
            connectTimeout: connectTimeout, commandTimeout: commandTimeout)
    }

    /// - Parameter severer: lets a stop that is not honoured in time cut this connection.
    func connect(stop: StopSignal, severer: ConnectionSeverer? = nil) throws(RedisError) -> RESPConnection {
        let deadline = ContinuousClock.now + connectTimeout
        let transport: ByteTransport
        do throws(SocketError) {
            let socket = try TCPSocket.connect(to: address.host, port: address.port, deadline: deadline, severer: severer) {
                stop.isStopped
            }
            if let tls {
                transport = try TLSTransport(socket: socket, material: tls, serverName: address.host, deadline: deadline)
            } else {
                transport = socket
            }
        } catch {
            throw RedisError(error)
        }
        let connection = RESPConnection(transport: transport)
        if let password {
            var arguments: [RedisArgument] = ["AUTH"]
            if let username { arguments.append(RedisArgument(username)) }
            arguments.append(RedisArgument(bytes: password.bytes))
            do {
                try connection.command(arguments, timeout: commandTimeout)
            } catch .server(_, let message) {
                // Redis' message names the cause (WRONGPASS, no password configured) and never echoes the password.
                connection.close()
                throw .authenticationFailed(message)
            }
        }
        if db != 0 {
            try connection.command(["SELECT", RedisArgument(db)], timeout: commandTimeout)
        }
        return connection
    }

    /// A non-blocking connection on `loop` (TLS as a non-blocking OpenSSL session), authenticated
    /// and on the right database.
    func open(
        on loop: EventLoop, severer: ConnectionSeverer? = nil, isolation: isolated (any Actor)? = #isolation
    ) async throws(RedisError) -> any RedisPipe {
        var context: TLSClientContext?
        if let tls {
            do throws(SocketError) {
                context = try TLSClientContext(material: tls)
            } catch {
                throw RedisError(error)
            }
        }
        let pipe = try await RedisChannelPipe.connect(
            host: address.host, port: address.port, on: loop, timeout: connectTimeout, tls: context)
        severer?.register { [channel = pipe.channel] in channel.close(promise: nil) }
        do throws(RedisError) {
            if let password {
                var arguments: [RedisArgument] = ["AUTH"]
                if let username { arguments.append(RedisArgument(username)) }
                arguments.append(RedisArgument(bytes: password.bytes))
                do throws(RedisError) {
                    try await pipe.command(arguments, timeout: commandTimeout)
                } catch .server(_, let message) {
                    // Redis' message names the cause (WRONGPASS, no password configured) and never echoes the password.
                    throw .authenticationFailed(message)
                }
            }
            if db != 0 {
                try await pipe.command(["SELECT", RedisArgument(db)], timeout: commandTimeout)
            }
        } catch {
            pipe.close()
            throw error
        }
        return pipe
    }
}
