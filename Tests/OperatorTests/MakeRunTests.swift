import Foundation
import Testing
import TestSupport

/// `make run` as a user drives it: one at a time per folder, and a signal to `make` stops all of it.
/// Serialized: each run probes 6379 and 7777 first, as a user's would.
@Suite(.serialized) struct MakeRunTests {
    private func startMakeRun(in folder: String) throws -> ChildProcess {
        try ChildProcess(
            "/usr/bin/make",
            ["-s", "-C", BuiltProducts.repositoryRoot.path, "run", "SKIP_BUILD=1",
             "BIN_DIR=\(BuiltProducts.directory.path)", "RUN_DIR=\(folder)"])
    }

    private func pidsStarted(in folder: String) -> [pid_t]? {
        guard let text = try? String(contentsOfFile: folder + "/pids", encoding: .utf8) else { return nil }
        let pids = text.split(whereSeparator: \.isWhitespace).compactMap { pid_t($0) }
        return pids.count == 3 ? pids : nil
    }

    private func isAlive(_ pid: pid_t) -> Bool {
        kill(pid, 0) == 0 || errno != ESRCH
    }

    private func redisPort(_ make: ChildProcess) -> Int? {
        guard let line = make.standardError.split(separator: "\n").first(where: { $0.contains("redis-server:") }),
            let port = line.split(separator: ":").last.flatMap({ Int($0.prefix { $0.isNumber }) })
        else { return nil }
        return port
    }

    @Test func aSecondRunOnTheSameFolderRefusesAndSIGTERMToMakeStopsEverything() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("make-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let first = try startMakeRun(in: folder)
        defer { first.stop() }
        let pids = try await waitForValue("make run to start its servers and the controller", timeout: .seconds(90)) {
            pidsStarted(in: folder)
        }
        defer { for pid in pids where isAlive(pid) { kill(pid, SIGKILL) } }
        try await waitUntil("the controller to consume", timeout: .seconds(60)) { first.standardError.contains("consuming") }

        let second = try startMakeRun(in: folder)
        #expect(try await second.waitForExit(timeout: .seconds(60)) != 0)
        #expect(second.standardError.contains("make run is already running in"))
        #expect(second.standardError.contains("RUN_DIR="))

        // The first run is untouched: its kubeconfig is still there and an entry still arrives.
        #expect(FileManager.default.fileExists(atPath: folder + "/kubeconfig"))
        let port = try #require(redisPort(first))
        let client = RedisTestClient(port: port)
        let id = try await client.xadd("FOO", [("message", "hello")])
        await client.close()
        try await waitUntil("the event on make run's standard output") { first.standardOutput.contains(id) }

        first.signal(SIGTERM)
        _ = try await first.waitForExit(timeout: .seconds(60))
        try await waitUntil("every process make run started to be gone", timeout: .seconds(30)) {
            pids.allSatisfy { !isAlive($0) }
        }
        // The controller drained before the servers stopped: its adapter logged its own stop.
        #expect(first.standardError.contains("adapter stopped"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/pid"))
    }
}

extension MakeRunTests {
    @Test(arguments: [SIGHUP, SIGINT])
    func anyStopSignalToMakeDrainsAndLeavesNoOrphan(_ stopSignal: Int32) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("make-run-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let make = try startMakeRun(in: folder)
        defer { make.stop() }
        let pids = try await waitForValue("make run to start", timeout: .seconds(90)) { pidsStarted(in: folder) }
        defer { for pid in pids where isAlive(pid) { kill(pid, SIGKILL) } }
        try await waitUntil("the controller to consume", timeout: .seconds(60)) { make.standardError.contains("consuming") }
        make.signal(stopSignal)
        try await waitUntil("every process make run started to be gone", timeout: .seconds(60)) {
            pids.allSatisfy { !isAlive($0) }
        }
        #expect(make.standardError.contains("adapter stopped"))
    }
}
