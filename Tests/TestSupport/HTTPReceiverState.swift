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
        contents.withLock {
            let reaction = $0.script.isEmpty ? $0.defaultReaction : $0.script.removeFirst()
            $0.requestCount += 1
            if recording == .everything {
                $0.requests.append(
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
