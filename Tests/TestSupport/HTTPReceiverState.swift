import NIOCore
import Synchronization

/// What the receiver's connections share: the script of answers, the requests seen and the
/// open connections. Reached from NIO's event loop threads and from tests, under one lock.
final class HTTPReceiverState: Sendable {
    private struct Contents {
        var script: [HTTPReceiver.Reaction] = []
        var defaultReaction: HTTPReceiver.Reaction
        var requests: [HTTPReceiver.ReceivedRequest] = []
        var requestCount = 0
        var connectionsAccepted = 0
        var openConnections: [Int: any Channel] = [:]
        /// Requests carrying this header value get this answer, whatever the script says.
        var byHeader: [String: HTTPReceiver.Reaction] = [:]
        var headerName = ""
    }

    let recording: HTTPReceiver.Recording
    private let contents: Mutex<Contents>

    init(defaultReaction: HTTPReceiver.Reaction, recording: HTTPReceiver.Recording) {
        self.recording = recording
        contents = Mutex(Contents(defaultReaction: defaultReaction))
    }

    func enqueue(_ reaction: HTTPReceiver.Reaction, times: Int) {
        contents.withLock { $0.script += Array(repeating: reaction, count: max(0, times)) }
    }

    func setDefault(_ reaction: HTTPReceiver.Reaction) {
        contents.withLock { $0.defaultReaction = reaction }
    }

    func answer(_ reaction: HTTPReceiver.Reaction, whenHeader name: String, is value: String) {
        contents.withLock {
            $0.headerName = name.lowercased()
            $0.byHeader[value] = reaction
        }
    }

    func clearScript() {
        contents.withLock { $0.script.removeAll() }
    }

    /// Registers a new connection and returns its number.
    func connectionOpened(_ channel: any Channel) -> Int {
        contents.withLock {
            $0.connectionsAccepted += 1
            $0.openConnections[$0.connectionsAccepted] = channel
            return $0.connectionsAccepted
        }
    }

    func connectionClosed(_ number: Int) {
        _ = contents.withLock { $0.openConnections.removeValue(forKey: number) }
    }

    /// Takes the next scripted answer (or the default) and records the request with it.
    func answer(
        method: String, target: String, headers: [(name: String, value: String)], body: [UInt8], connection: Int
    ) -> HTTPReceiver.Reaction {
        contents.withLock { contents in
            let name = contents.headerName
            let byHeader = contents.byHeader
            let chosen = byHeader.isEmpty ? nil : headers.first { $0.name.lowercased() == name }.flatMap { byHeader[$0.value] }
            let reaction = chosen ?? (contents.script.isEmpty ? contents.defaultReaction : contents.script.removeFirst())
            contents.requestCount += 1
            if recording == .everything {
                contents.requests.append(
                    HTTPReceiver.ReceivedRequest(
                        method: method, target: target, headers: headers, body: body, connection: connection,
                        reaction: reaction))
            }
            return reaction
        }
    }

    var requests: [HTTPReceiver.ReceivedRequest] { contents.withLock { $0.requests } }
    var requestCount: Int { contents.withLock { $0.requestCount } }
    var connectionsAccepted: Int { contents.withLock { $0.connectionsAccepted } }
    var openConnections: [any Channel] { contents.withLock { Array($0.openConnections.values) } }
}
