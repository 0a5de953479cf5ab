import Foundation

/// Runs a short-lived program to completion with its output in files, so that everything it
/// wrote is there once it has exited (a pipe's reader can lag behind the exit).
///
/// Spawned through `CleanSignalSpawn`, like `ChildProcess`: the program gets no descriptor of
/// this process but its standard streams, and sees signals at their defaults.
public enum CommandRun {
    public struct Output: Sendable {
        public let status: Int32
        public let standardOutput: String
        public let standardError: String
    }

    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(180)
    ) async throws -> Output {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let outPath = folder.appendingPathComponent("out").path
        let errPath = folder.appendingPathComponent("err").path
        let environmentList = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let pid: pid_t
        switch CleanSignalSpawn.spawn(
            executable, arguments, environment: environmentList, standardOutput: outPath, standardError: errPath)
        {
        case .success(let child): pid = child
        case .failure(let error): throw ChildProcessError.spawnFailed(error.description)
        }
        let status: Int32
        do {
            status = try await waitForValue("\(executable) to finish", timeout: timeout) { CleanSignalSpawn.exitStatus(of: pid) }
        } catch {
            kill(pid, SIGKILL)
            _ = try? await waitForValue("\(executable) to end after SIGKILL", timeout: .seconds(15)) { CleanSignalSpawn.exitStatus(of: pid) }
            throw error
        }
        return Output(
            status: status,
            standardOutput: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
            standardError: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}
