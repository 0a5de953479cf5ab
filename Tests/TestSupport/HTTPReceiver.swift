import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A real HTTP/1.1 server on 127.0.0.1 for tests: it records every request exactly as it
/// arrived and answers as the test scripts it, including failing in the ways sinks must survive.
///
///     let receiver = try await HTTPReceiver.start()
///     receiver.answer(status: 503, times: 3)          // the next 3 requests get 503, then 200s
///     receiver.answerTooManyRequests(retryAfter: "2")  // then one 429 with Retry-After: 2
///     ... point a sink at receiver.url ...
///     let requests = try await receiver.waitForRequests(4)
///     #expect(requests[0].header("ce-id") == "...")
///     try await receiver.stop()                      // every test stops its receiver
///
/// Scripted reactions (`answer`, `redirect`, `hang`, `sendGarbage`, `closeConnection`,
/// `enqueue`) are used in order, one per request; when the script is empty, every request
/// gets the default reaction (200 OK unless `setDefault` changed it, e.g. to 503 to play a
/// sink that is down). Connections are kept alive, so `ReceivedRequest.connection` shows
/// whether a client reused one. `stop()` closes every connection, hanging ones included;
/// `start(port:)` on a stopped receiver's port brings "the same" receiver back up; start the
/// first one on a `ReservedPort` so that no other test's server takes the port in between.
public final class HTTPReceiver: Sendable {
    public let port: Int
    private let group: MultiThreadedEventLoopGroup
    private let serverChannel: any Channel
    private let state: HTTPReceiverState
    private let stopped = Mutex(false)

    private init(port: Int, group: MultiThreadedEventLoopGroup, serverChannel: any Channel, state: HTTPReceiverState) {
        self.port = port
        self.group = group
        self.serverChannel = serverChannel
        self.state = state
    }

    /// Starts listening on 127.0.0.1, on `port` or a free one.
    /// - Parameter threads: event loop threads; more than one only matters for load tests.
    public static func start(
        port: Int = 0, defaultReaction: Reaction = .ok, recording: Recording = .everything, threads: Int = 1
    ) async throws -> HTTPReceiver {
        let state = HTTPReceiverState(defaultReaction: defaultReaction, recording: recording)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
        do {
            let channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                // Load tests open hundreds of connections at once (300 sinks); past the accept queue the
                // kernel drops SYNs, and each client waits 1 s, then 3 s, then 7 s to try again.
                .serverChannelOption(.backlog, value: 4096)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
                        try pipeline.addHandler(HTTPReceiverConnectionHandler(state: state))
                    }
                }
                .bind(host: "127.0.0.1", port: port)
                .get()
            guard let boundPort = channel.localAddress?.port else {
                throw HTTPReceiverError.noLocalAddress
            }
            return HTTPReceiver(port: boundPort, group: group, serverChannel: channel, state: state)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    /// `http://127.0.0.1:PORT/`
    public var url: String { url(path: "/") }

    public func url(path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    // MARK: Scripting answers

    /// Appends `reaction` to the script `times` times.
    public func enqueue(_ reaction: Reaction, times: Int = 1) {
        state.enqueue(reaction, times: times)
    }

    /// The next `times` requests get this status (and headers and body).
    public func answer(
        status: Int, times: Int = 1, headers: [(name: String, value: String)] = [], body: String = ""
    ) {
        enqueue(.respond(status: status, headers: headers, body: body), times: times)
    }

    /// 429 Too Many Requests with `Retry-After: retryAfter` (seconds, or an HTTP date).
    public func answerTooManyRequests(retryAfter: String, times: Int = 1) {
        answer(status: 429, times: times, headers: [("Retry-After", retryAfter)])
    }

    /// A redirect to `location`, which sinks must not follow.
    public func redirect(to location: String, status: Int = 301, times: Int = 1) {
        answer(status: status, times: times, headers: [("Location", location)])
    }

    /// Never answer the next `times` requests.
    public func hang(times: Int = 1) {
        enqueue(.hang, times: times)
    }

    /// Answer the next `times` requests with bytes that are not HTTP, then close.
    public func sendGarbage(_ bytes: [UInt8] = Array("\u{1}\u{2}garbage, not HTTP\r\n\r\n".utf8), times: Int = 1) {
        enqueue(.sendGarbage(bytes), times: times)
    }

    /// Close the connection instead of answering the next `times` requests.
    public func closeConnection(times: Int = 1) {
        enqueue(.closeConnection, times: times)
    }

    /// Every request whose header `name` (one name per receiver) is `value` gets `reaction`,
    /// ahead of the script: a receiver that refuses particular events (say by `ce-id`).
    public func answer(_ reaction: Reaction, whenHeader name: String, is value: String) {
        state.answer(reaction, whenHeader: name, is: value)
    }

    /// The reaction once the script is used up.
    public func setDefault(_ reaction: Reaction) {
        state.setDefault(reaction)
    }

    /// Drops the scripted reactions not yet used.
    public func clearScript() {
        state.clearScript()
    }

    // MARK: What arrived

    /// Every request so far, in arrival order (empty with `Recording.countOnly`).
    public func requests() async -> [ReceivedRequest] {
        state.requests
    }

    public func requestCount() async -> Int {
        state.requestCount
    }

    /// How many TCP connections were accepted so far.
    public func connectionsAccepted() async -> Int {
        state.connectionsAccepted
    }

    /// Polls until at least `count` requests arrived, then returns them all.
    public func waitForRequests(_ count: Int, timeout: Duration = .seconds(60)) async throws -> [ReceivedRequest] {
        try await waitForValue("\(count) request(s) at the HTTP receiver on port \(port)", timeout: timeout) {
            let requests = state.requests
            return requests.count >= count ? requests : nil
        }
    }

    /// Closes the listener and every connection, and ends the event loop threads. Safe to call twice.
    public func stop() async throws {
        let alreadyStopped = stopped.withLock { stopped in
            defer { stopped = true }
            return stopped
        }
        if alreadyStopped { return }
        try? await serverChannel.close()
        for channel in state.openConnections { try? await channel.close() }
        try await group.shutdownGracefully()
    }
}

public enum HTTPReceiverError: Error, CustomStringConvertible {
    case noLocalAddress
    public var description: String { "the HTTP receiver's socket has no local address" }
}
