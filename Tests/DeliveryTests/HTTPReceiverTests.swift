import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TestSupport

/// The receiver is shared by the adapter and end-to-end tests; these pin the behaviours they rely on.
@Suite struct HTTPReceiverTests {
    @Test func scriptedReactionsAreUsedInOrderThenTheDefault() async throws {
        let receiver = try await HTTPReceiver.start(defaultReaction: .respond(status: 202))
        receiver.answer(status: 500, times: 2)
        receiver.answer(status: 418)
        var statuses: [Int] = []
        for _ in 0..<4 { statuses.append(try await Self.post(to: receiver.url)) }
        #expect(statuses == [500, 500, 418, 202])
        #expect(await receiver.requests().map(\.reaction.status) == [500, 500, 418, 202])
        receiver.setDefault(.respond(status: 503))
        #expect(try await Self.post(to: receiver.url) == 503)
        try await receiver.stop()
    }

    @Test func countOnlyRecordingCountsWithoutKeeping() async throws {
        let receiver = try await HTTPReceiver.start(recording: .countOnly)
        _ = try await Self.post(to: receiver.url)
        _ = try await Self.post(to: receiver.url)
        #expect(await receiver.requestCount() == 2)
        #expect(await receiver.requests().isEmpty)
        try await receiver.stop()
    }

    @Test func aStoppedReceiverRefusesAndComesBackOnTheSamePort() async throws {
        let reserved = try ReservedPort()
        defer { reserved.close() }
        let port = reserved.port
        let first = try await HTTPReceiver.start(port: port)
        try await first.stop()
        try await first.stop()
        await #expect(throws: (any Error).self) { try await Self.post(to: "http://127.0.0.1:\(port)/") }
        let second = try await HTTPReceiver.start(port: port)
        #expect(try await Self.post(to: second.url) == 200)
        try await second.stop()
    }

    @Test func stopClosesHangingConnections() async throws {
        let receiver = try await HTTPReceiver.start()
        receiver.hang()
        let url = receiver.url
        async let answer: Int? = try? await Self.post(to: url)
        _ = try await receiver.waitForRequests(1)
        try await receiver.stop()
        #expect(await answer == nil)
    }

    /// Posts with Foundation's client, independent of the sink under test; status code back.
    private static func post(to url: String) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data("{}".utf8)
        request.timeoutInterval = 20
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as! HTTPURLResponse).statusCode
    }
}
