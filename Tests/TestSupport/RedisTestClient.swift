import Adapter
import AdapterModel
import Dispatch
import EventSourceAPI
import Sinks

/// An async face on `RedisClient` for tests: each call waits on the client's own serial queue,
/// so the blocking wait never occupies Swift's cooperative threads; the I/O runs on the test
/// runtime's event loops.
public final class RedisTestClient: @unchecked Sendable {
    // @unchecked: `client` is only touched on `queue`, which serialises every use.
    private let queue = DispatchQueue(label: "redis-test-client")
    private var client: RedisClient?
    private let address: HostAddress
    private let password: String?
    private let username: String?
    private let tls: TLSMaterial?

    public init(port: Int, username: String? = nil, password: String? = nil, tls: TLSMaterial? = nil) {
        address = HostAddress(host: "127.0.0.1", port: port)
        self.password = password
        self.username = username
        self.tls = tls
    }

    private func onQueue<T: Sendable>(_ body: @escaping @Sendable (RedisClient) throws(RedisError) -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { [self] in
                do {
                    if client == nil {
                        client = try RedisClient(
                            address: address, username: username, password: password, tls: tls,
                            eventLoops: AdapterRuntime.forTests.eventLoops)
                    }
                    continuation.resume(returning: try body(client!))
                } catch {
                    // A failed command may leave the connection unusable; the next call reconnects.
                    if (error as? RedisError)?.breaksConnection ?? true { client = nil }
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    @discardableResult
    public func command(_ arguments: String...) async throws -> RESPValue {
        let list = arguments.map { RedisArgument($0) }
        return try await onQueue { client throws(RedisError) in try client.command(list) }
    }

    @discardableResult
    public func command(arguments: [RedisArgument]) async throws -> RESPValue {
        try await onQueue { client throws(RedisError) in try client.command(arguments) }
    }

    /// XADD with `*`, returning the new id.
    public func xadd(_ stream: String, _ fields: [(String, String)]) async throws -> String {
        var arguments: [RedisArgument] = ["XADD", RedisArgument(stream), "*"]
        for (name, value) in fields { arguments += [RedisArgument(name), RedisArgument(value)] }
        return try await command(arguments: arguments).string ?? ""
    }

    /// The number of entries pending in a group (XPENDING summary), 0 when the group is gone.
    public func pendingCount(_ stream: String, group: String) async throws -> Int64 {
        let reply = try await command("XPENDING", stream, group)
        return reply.array?.first?.integer ?? 0
    }

    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async { [self] in
                client?.close()
                client = nil
                continuation.resume()
            }
        }
    }
}
