import Adapter
import EventSourceAPI
import Foundation

/// The scene one scenario plays in: a redis-server with AOF, the receiver, and helpers to
/// start the product. `close()` stops every process it started.
final class ScenarioSession {
    static let namespace = "default"
    let context: ScenarioContext
    let folder: String
    let redis: ChaosRedis
    let receiver: ChaosReceiver
    private(set) var processes: [ChaosProcess] = []

    init(context: ScenarioContext, name: String) throws {
        self.context = context
        folder = try context.work.folder(name)
        redis = try ChaosRedis(folder: folder)
        do {
            receiver = try ChaosReceiver(seed: context.seed)
        } catch {
            redis.stop()
            throw error
        }
    }

    /// One Redis command on a fresh connection, retried for a while (Redis may be restarting).
    @discardableResult
    func redisCommand(_ arguments: String...) -> RESPValue? {
        var answer: RESPValue?
        Poll.until(seconds: 30, interval: 0.1) {
            guard let client = try? ChaosRedisClient.connect(to: redis.address, timeout: .seconds(10)) else { return false }
            defer { client.close() }
            do throws(RedisError) {
                answer = try client.command(arguments.map { RedisArgument($0) })
                return true
            } catch .server(_, let message) {
                answer = .error(message)
                return true
            } catch {
                return false
            }
        }
        return answer
    }

    /// The consumer group at the start of the stream, so entries added before the product starts count.
    func createGroup(stream: String, group: String = RedisStreamEntry.defaultConsumerGroup) {
        redisCommand("XGROUP", "CREATE", stream, group, "0", "MKSTREAM")
    }

    struct Entry {
        let event: String
        let streams: [String]
        var filter: String? = nil
        var deadLetterStream: String? = nil
        var maxDeliveries: Int? = nil
    }

    func manifest(name: String, entries: [Entry]) -> String {
        var text = """
            apiVersion: argoproj.io/v1alpha1
            kind: EventSource
            metadata: {name: \(name), namespace: \(Self.namespace)}
            spec:
              redisStream:

            """
        for entry in entries {
            text += "    \(entry.event):\n      hostAddress: 127.0.0.1:\(redis.port)\n"
            text += "      streams: [\(entry.streams.joined(separator: ", "))]\n"
            if let filter = entry.filter { text += "      filter: {expression: '\(filter)'}\n" }
            if let deadLetterStream = entry.deadLetterStream { text += "      deadLetterStream: \(deadLetterStream)\n" }
            if let maxDeliveries = entry.maxDeliveries { text += "      maxDeliveries: \(maxDeliveries)\n" }
        }
        return text
    }

    /// The common scene: EventSource `chaos` with one entry `example` reading `stream`, its group
    /// made at 0 beforehand when `createGroup`. Returns the manifest's path.
    func singleAdapterManifest(
        stream: String = "S", createGroup: Bool = true, deadLetterStream: String? = nil, maxDeliveries: Int? = nil
    ) throws -> String {
        if createGroup { self.createGroup(stream: stream) }
        let entry = Entry(event: "example", streams: [stream], deadLetterStream: deadLetterStream, maxDeliveries: maxDeliveries)
        return try writeFile("es.yaml", manifest(name: "chaos", entries: [entry]))
    }

    func writeFile(_ name: String, _ text: String) throws -> String {
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// `redis-eventsource run` with the receiver as its sink (or `sink`).
    @discardableResult
    func startRun(manifestPath: String, consumer: String = "chaos-1", label: String, sink: String? = nil) throws -> ChaosProcess {
        try start(
            context.product,
            ["run", "-f", manifestPath, "--sink", sink ?? receiver.url, "--consumer-name", consumer, "--log-level", "notice"],
            label: label)
    }

    /// `redis-eventsource run` serving /readyz and /metrics on a port it picks, and a probe of them.
    func startRunWithHealth(manifestPath: String, label: String, sink: String? = nil) throws -> (ChaosProcess, HealthProbe) {
        let process = try start(
            context.product,
            [
                "run", "-f", manifestPath, "--sink", sink ?? receiver.url, "--consumer-name", "chaos-1", "--http-port", "auto",
                "--log-level", "info",
            ],
            label: label)
        guard let probe = HealthProbe.find(in: process) else {
            throw ChaosError.setup("\(label) did not log its health port: \(process.errorOutput.suffix(400))")
        }
        return (process, probe)
    }

    /// Entries waiting in `group`'s PEL, by id.
    func pendingIDs(stream: String = "S", group: String = RedisStreamEntry.defaultConsumerGroup) -> Set<String> {
        Set((redisCommand("XPENDING", stream, group, "-", "+", "1000000")?.array ?? []).compactMap { $0.array?.first?.string })
    }

    /// Entries of `stream` the group has acknowledged: read (XINFO GROUPS' entries-read) and no
    /// longer pending. Nil when Redis cannot tell.
    func acknowledgedCount(stream: String = "S", group: String = RedisStreamEntry.defaultConsumerGroup) -> Int? {
        for info in redisCommand("XINFO", "GROUPS", stream)?.array ?? [] {
            let pairs = info.array ?? []
            func value(_ name: String) -> RESPValue? {
                guard let index = pairs.firstIndex(where: { $0.string == name }), index + 1 < pairs.count else { return nil }
                return pairs[index + 1]
            }
            guard value("name")?.string == group, let read = value("entries-read")?.integer, let pending = value("pending")?.integer
            else { continue }
            return Int(read - pending)
        }
        return nil
    }

    /// XLEN, 0 for a stream that does not exist.
    func length(of stream: String) -> Int {
        redisCommand("XLEN", stream)?.integer.map { Int($0) } ?? 0
    }

    /// SIGKILLs a process `kills` times, `interval` seconds apart, starting its successor at once each time.
    func killRepeatedly(
        _ first: ChaosProcess, kills: Int, interval: Double, successor: (Int) throws -> ChaosProcess
    ) rethrows {
        var current = first
        for round in 1...kills {
            usleep(UInt32(interval * 1_000_000))
            current.kill()
            current = try successor(round)
        }
    }

    func start(_ executable: String, _ arguments: [String], label: String) throws -> ChaosProcess {
        let process = try ChaosProcess(executable, arguments, folder: folder, label: label)
        processes.append(process)
        return process
    }

    /// The events the product must make of `produced`, by its own id function.
    func expected(_ produced: [ProducedEntry], eventSource: String = "chaos", event: String = "example") -> [ExpectedEvent] {
        let builder = EventBuilder(namespace: Self.namespace, eventSourceName: eventSource, eventName: event, metadata: [:])
        return produced.map {
            ExpectedEvent(
                stream: $0.stream, entryID: $0.id, eventID: builder.eventID(stream: $0.stream, messageID: $0.id),
                group: RedisStreamEntry.defaultConsumerGroup)
        }
    }

    /// Waits until every expected event was accepted by the receiver, or `seconds` passed;
    /// returns the seconds since `start` at the last look.
    func waitForDelivery(of expected: [ExpectedEvent], seconds: Double, since start: Date = Date()) -> Double {
        let ids = Set(expected.map(\.eventID))
        Poll.until(seconds: seconds, interval: 0.05) {
            let accepted = receiver.ledger.accepted
            return ids.allSatisfy { accepted[$0] != nil }
        }
        return Date().timeIntervalSince(start)
    }

    /// Stops every product and kube-testserver process: SIGTERM, then SIGKILL.
    func stopProcesses() {
        for process in processes { process.stop() }
    }

    /// Stops every process, the receiver and Redis.
    func close() {
        stopProcesses()
        receiver.stop()
        redis.stop()
    }
}
