import Adapter
import EventSourceAPI
import NIOPosix

/// The bench's bookkeeping connection to its redis-server (filling streams, creating groups,
/// watching progress), over the product's own `RedisClient`; only the raw baseline loop talks
/// to hiredis directly. Blocking: use it on the dedicated thread that made it.
final class BenchRedis {
    /// One loop carries every bookkeeping connection; the bench keeps it until it exits.
    private static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private let client: RedisClient
    let port: Int

    init(port: Int, timeout: Duration = .seconds(30)) throws(BenchError) {
        do {
            client = try RedisClient(address: HostAddress(host: "127.0.0.1", port: port), timeout: timeout, eventLoops: Self.eventLoops)
        } catch {
            throw .redis("cannot connect to 127.0.0.1:\(port): \(error)")
        }
        self.port = port
    }

    deinit { client.close() }

    /// One command; an error reply is thrown, naming the command.
    @discardableResult
    func command(_ words: [String]) throws(BenchError) -> RESPValue {
        do {
            return try client.command(words.map { RedisArgument($0) })
        } catch {
            throw .redis("\(words.prefix(2).joined(separator: " ")): \(error)")
        }
    }

    /// Commands in one write; any error reply is thrown, naming the command.
    @discardableResult
    func pipeline(_ commands: [[String]]) throws(BenchError) -> [RESPValue] {
        let replies = try pipelineReplies(commands)
        for (words, reply) in zip(commands, replies) {
            if case .error(let message) = reply { throw .redis("\(words.prefix(2).joined(separator: " ")): \(message)") }
        }
        return replies
    }

    /// Commands in one write; every reply comes back, error replies included.
    func pipelineReplies(_ commands: [[String]]) throws(BenchError) -> [RESPValue] {
        do {
            return try client.pipeline(commands.map { $0.map { RedisArgument($0) } })
        } catch {
            throw .redis("pipeline of \(commands.count): \(error)")
        }
    }

    /// The group's line of XINFO GROUPS, read with the adapter's own parser.
    func group(_ group: String, on stream: String) throws(BenchError) -> GroupInfo {
        guard let info = GroupInfo.find(group, in: try command(["XINFO", "GROUPS", stream])) else {
            throw .redis("group \(group) not found on \(stream)")
        }
        return info
    }

    /// Consumers of the group that have read at least once (XINFO CONSUMERS); 0 while the group
    /// or the stream does not exist yet.
    func consumerCount(_ group: String, on stream: String) -> Int {
        guard let reply = try? client.command(["XINFO", "CONSUMERS", stream, group].map { RedisArgument($0) }) else { return 0 }
        return reply.array?.count ?? 0
    }
}
