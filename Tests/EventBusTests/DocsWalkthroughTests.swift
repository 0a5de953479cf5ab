import Foundation
import Testing
import TestSupport

/// The docs' walk-throughs (every ```sh block under docs/) run as a reader pastes them: one block,
/// in one shell, against real nats-server, redis-server and the built redis-eventsource. Only the
/// fixed ports and /tmp are swapped for the test's own, so runs beside other tests cannot collide.
@Suite struct DocsWalkthroughTests {
    static let docs = BuiltProducts.repositoryRoot.appendingPathComponent("docs")

    /// Every ```sh block of a page, in order.
    static func shellBlocks(_ page: String) -> [String] {
        page.components(separatedBy: "```sh\n").dropFirst().compactMap { $0.components(separatedBy: "\n```").first }
    }

    /// The walk-throughs a test runs, by page and position among the page's ```sh blocks. A new
    /// ```sh block in docs/ needs a run here (see the test below), so none goes untried.
    static let runs: Set<String> = ["eventbus.md#0"]

    @Test func everyShellBlockInTheDocsIsRunByATest() throws {
        var found = Set<String>()
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.docs.path) where name.hasSuffix(".md") {
            let page = try String(contentsOf: Self.docs.appendingPathComponent(name), encoding: .utf8)
            for index in Self.shellBlocks(page).indices { found.insert("\(name)#\(index)") }
        }
        #expect(found == Self.runs, "```sh blocks in docs/ without a run in DocsWalkthroughTests, or runs without a block")
    }

    /// docs/eventbus.md "A local walk-through": the entry added at the end reaches the bus once.
    @Test func theEventBusWalkthroughDeliversItsEntryToTheBus() async throws {
        let page = try String(contentsOf: Self.docs.appendingPathComponent("eventbus.md"), encoding: .utf8)
        let block = try #require(Self.shellBlocks(page).first)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("walkthrough-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let redisPort = FreePort.belowEphemeralRange()
        var natsPort = FreePort.belowEphemeralRange()
        while natsPort == redisPort { natsPort = FreePort.belowEphemeralRange() }
        #expect(block.contains("4222") && block.contains("6379") && block.contains("/tmp/"), "the walk-through changed shape")
        let pasted = block.replacingOccurrences(of: "4222", with: String(natsPort))
            .replacingOccurrences(of: "6379", with: String(redisPort))
            .replacingOccurrences(of: "/tmp/", with: folder.path + "/")
        // Every client names the port, so none of them reaches a server the test did not start.
        for line in pasted.split(separator: "\n") where line.hasPrefix("redis-cli") || line.contains(" redis-cli ") {
            #expect(line.contains("-p \(redisPort)"), "\(line)")
        }
        // Around the block, as a terminal would be: the shell stays while its jobs run, and on
        // SIGTERM (the test's stop) ends every job it started.
        let script = "trap 'kill $(jobs -p) 2>/dev/null; wait; exit 0' TERM\n" + pasted + "\nwait\n"
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let shell = try ChildProcess(
            "/bin/bash", ["-c", script],
            environment: ["PATH": "\(BuiltProducts.directory.path):/usr/sbin:\(path)", "HOME": folder.path])
        defer { shell.stop() }

        let url = "nats://127.0.0.1:\(natsPort)"
        let reader = try await waitForValue("nats-server from the walk-through to accept a client") {
            guard shell.isRunning else { throw WalkthroughFailed(output: shell.standardOutput + shell.standardError) }
            return await DedicatedThread.run { try? JetStreamTestReader(url: url, user: "argo", password: "s3cret") }
        }
        do {
            try await waitUntil("the walk-through's entry in the stream default") {
                guard shell.isRunning else { throw WalkthroughFailed(output: shell.standardOutput + shell.standardError) }
                return await DedicatedThread.run { reader.messageCount() } == 1
            }
        } catch {
            Issue.record("\(error)\nthe walk-through printed:\n\(shell.standardOutput)\(shell.standardError)")
            throw error
        }
        let messages = try await DedicatedThread.run {
            Result { try reader.read(subject: "default.redis-stream.example", durable: "walkthrough", count: 1) }
        }.get()
        #expect(messages.count == 1)
        #expect(messages.first?.text.contains(#""values":{"message":"hello"}"#) == true, "\(messages.first?.text ?? "")")
        try await shell.stopAndWait()
    }

    struct WalkthroughFailed: Error, CustomStringConvertible {
        let output: String
        var description: String { "the walk-through's shell ended early:\n\(output)" }
    }
}
