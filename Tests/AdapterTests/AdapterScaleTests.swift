import Adapter
import Foundation
import Logging
import Sinks
import Synchronization
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Many adapters share a few event-loop threads; a stop does not wait out a BLOCK.
@Suite struct AdapterScaleTests {
    /// The process's thread count as the kernel reports it.
    fileprivate static func threadCount() throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("Threads:") })
        return try #require(Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)))
    }

    /// How many threads carry each name, for the log when the count is off.
    fileprivate static func threadNames() -> [String: Int] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        var names: [String: Int] = [:]
        for task in tasks {
            let name = (try? String(contentsOfFile: "/proc/self/task/\(task)/comm", encoding: .utf8)) ?? "?"
            names[name.trimmingCharacters(in: .whitespacesAndNewlines), default: 0] += 1
        }
        return names
    }

    /// Each adapter holds a connection, and a stop briefly opens a control connection too.
    fileprivate static func raiseFileLimit(to needed: rlim_t) throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < needed && limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        try #require(limit.rlim_cur >= needed, "RLIMIT_NOFILE \(limit.rlim_cur) is below the \(needed) this test needs")
    }

    @Test func aStopDoesNotWaitOutATenMinuteBlock() async throws {
        try await AdapterFixture.with { fixture in
            let sink = CountingSink()
            var adapters: [StreamAdapter] = []
            for index in 0..<20 {
                var configuration = fixture.configuration(consumer: "c\(index)", blockTime: .seconds(600))
                configuration.eventName = "e\(index)"
                configuration.source.claimMinIdleSeconds = 3600
                adapters.append(fixture.startAdapter(configuration) { _ in sink })
            }
            try await waitUntil("every adapter blocked in XREADGROUP") {
                let list = try await fixture.client.command("CLIENT", "LIST").string ?? ""
                return list.split(separator: "\n").filter { $0.contains("cmd=xreadgroup") }.count == 20
            }
            for adapter in adapters { adapter.requestStop() }
            // A bound, not a speed claim: well below the 10-minute BLOCK each read would otherwise wait out.
            try await waitUntil("all 20 stopped", timeout: .seconds(60)) { adapters.allSatisfy(\.isFinished) }
            #expect(sink.count == 0)
            try await waitUntil("only the test's own connection left", timeout: .seconds(20)) {
                (try await fixture.client.command("CLIENT", "LIST").string ?? "").split(separator: "\n").count == 1
            }
        }
    }
}

/// Takes every event and counts them; shared by many adapters.
final class CountingSink: SynchronousEventSink, Sendable {
    private let taken = Atomic<Int>(0)
    var count: Int { taken.load(ordering: .relaxed) }

    func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        taken.add(1, ordering: .relaxed)
        return .delivered
    }

    func close() {}
}

/// Exit tests (a child process each). Swift Testing's parent reads a child's back channel with a
/// blocking read on a cooperative-pool thread for as long as the child runs, and that pool has
/// only as many threads as cores; so `make test` runs suites named `*ExitTests` in a `swift test`
/// of their own, after the others, where they hold up nothing.
@Suite struct AdapterScaleExitTests {
    /// What a test process of its own counts: only this body runs in the child, so every thread
    /// there is the runtime's or the fixture's, none another suite's. Run in this process, 2,000
    /// adapters' metric series would also hold up the other suites' metrics endpoints.
    @Test func twoThousandAdaptersRunOnFewerThan64ThreadsInAProcessOfTheirOwn() async {
        await #expect(processExitsWith: .success) {
            let count = 2000
            try AdapterScaleTests.raiseFileLimit(to: rlim_t(2 * count + 500))
            var verdict = false
            try await AdapterFixture.with(redisArguments: ["--maxclients", "\(2 * count + 200)", "--tcp-backlog", "4096"]) { fixture in
                let sink = CountingSink()
                var adapters: [StreamAdapter] = []
                for wave in stride(from: 0, to: count, by: 250) {
                    for index in wave..<(wave + 250) {
                        var configuration = fixture.configuration(streams: ["S\(index % 50)"], consumer: "c\(index)")
                        configuration.eventName = "e\(index)"
                        configuration.blockTime = .seconds(600)
                        configuration.source.consumerGroup = "g\(index)"
                        adapters.append(fixture.startAdapter(configuration) { _ in sink })
                    }
                    try await waitUntil("\(adapters.count) adapters consuming", timeout: .seconds(120)) {
                        adapters.allSatisfy { $0.status.snapshot.phase == .consuming }
                    }
                }
                for stream in 0..<50 { _ = try await fixture.client.xadd("S\(stream)", [("k", "v")]) }
                try await waitUntil("one event per adapter", timeout: .seconds(120)) { sink.count == count }
                let threads = try AdapterScaleTests.threadCount()
                print("threads in a process with \(count) adapters consuming: \(threads): \(AdapterScaleTests.threadNames())")
                await withTaskGroup(of: Void.self) { group in
                    for adapter in adapters { group.addTask { await adapter.stop() } }
                }
                verdict = threads < 64 && adapters.allSatisfy { $0.isFinished }
            }
            // The child's verdict is its exit status, given once the fixture stopped its redis-server.
            if !verdict { exit(1) }
        }
    }
}
