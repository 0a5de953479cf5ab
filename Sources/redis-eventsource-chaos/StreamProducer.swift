import Adapter
import EventSourceAPI
import Foundation
import Synchronization

/// An entry the producer knows is in Redis: its XADD was answered, or a retry of it was refused
/// because the id already existed.
struct ProducedEntry: Hashable, Sendable {
    let stream: String
    let id: String
}

/// Adds entries to one stream on a thread of its own, at a steady pace, with explicit ids
/// (`<base + sequence>-1`): a retry after a lost reply can then tell whether the first try landed,
/// so "produced" counts exactly the entries Redis holds, across Redis crashes.
final class StreamProducer: Sendable {
    static let baseMilliseconds: Int64 = 1_780_000_000_000
    private let produced = Mutex<[ProducedEntry]>([])
    private let finished = Atomic<Bool>(false)

    /// - Parameters:
    ///   - sequences: the sequence numbers to add, in order; each becomes id `<base + n>-1`.
    ///   - fields: the fields of entry n.
    init(
        address: HostAddress, stream: String, sequences: Range<Int>, perSecond: Double,
        fields: @escaping @Sendable (Int) -> [(String, String)] = { [("n", String($0))] }
    ) {
        let thread = Thread { [self] in
            var client: RedisClient?
            let started = Date()
            for (index, sequence) in sequences.enumerated() {
                let due = started.addingTimeInterval(Double(index) / perSecond)
                let wait = due.timeIntervalSinceNow
                if wait > 0 { usleep(UInt32(wait * 1_000_000)) }
                let id = "\(Self.baseMilliseconds + Int64(sequence))-1"
                var arguments: [RedisArgument] = ["XADD", RedisArgument(stream), RedisArgument(id)]
                for (name, value) in fields(sequence) { arguments += [RedisArgument(name), RedisArgument(value)] }
                if Self.add(arguments, client: &client, address: address) {
                    produced.withLock { $0.append(ProducedEntry(stream: stream, id: id)) }
                }
            }
            client?.close()
            finished.store(true, ordering: .releasing)
        }
        thread.name = "chaos-producer-\(stream)"
        thread.start()
    }

    /// One XADD, retried through connection failures for up to a minute. True when the entry is in Redis.
    private static func add(_ arguments: [RedisArgument], client: inout RedisClient?, address: HostAddress) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            do throws(RedisError) {
                if client == nil { client = try ChaosRedisClient.connect(to: address, timeout: .seconds(5)) }
                try client!.command(arguments)
                return true
            } catch .server(_, let message) where message.contains("equal or smaller") {
                return true
            } catch {
                if error.breaksConnection {
                    client?.close()
                    client = nil
                }
                usleep(100_000)
            }
        }
        return false
    }

    var isFinished: Bool { finished.load(ordering: .acquiring) }

    /// Waits for the last entry and returns what was produced.
    func join() -> [ProducedEntry] {
        Poll.until(seconds: 600, interval: 0.02) { isFinished }
        return produced.withLock { $0 }
    }

    var producedSoFar: Int { produced.withLock { $0.count } }
}
