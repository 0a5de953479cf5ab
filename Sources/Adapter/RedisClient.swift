import AdapterModel
import EventSourceAPI
import Sinks

/// A small blocking Redis client over the adapter's own connection code, for tools and tests
/// (the benchmark's raw loop, test fixtures). Call it from a dedicated thread or queue only.
public final class RedisClient {
    private let connection: RESPConnection
    public let timeout: Duration

    public init(
        address: HostAddress, db: Int = 0, username: String? = nil, password: String? = nil, tls: TLSMaterial? = nil,
        timeout: Duration = .seconds(10)
    ) throws(RedisError) {
        let connector = RedisConnector(
            address: address, db: db, username: username, password: password.map { SecretValue($0) }, tls: tls,
            connectTimeout: timeout, commandTimeout: timeout)
        connection = try connector.connect(stop: StopSignal())
        self.timeout = timeout
    }

    /// Sends one command; an error reply is thrown as `RedisError.server`.
    @discardableResult
    public func command(_ arguments: [RedisArgument]) throws(RedisError) -> RESPValue {
        try connection.command(arguments, timeout: timeout)
    }

    @discardableResult
    public func command(_ arguments: String...) throws(RedisError) -> RESPValue {
        try connection.command(arguments.map { RedisArgument($0) }, timeout: timeout)
    }

    /// Sends commands in one write and returns every reply, error replies included.
    public func pipeline(_ commands: [[RedisArgument]]) throws(RedisError) -> [RESPValue] {
        try connection.pipeline(commands, timeout: timeout)
    }

    public func close() {
        connection.close()
    }
}
