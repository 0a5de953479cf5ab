import BenchSupport
import Foundation
import Glibc
import ProcessSpawning
import Synchronization

/// A program the chaos run started, with standard output and error in files of the scenario's
/// folder. Spawned clean (default signals, no inherited descriptors) through ProcessSpawning.
final class ChaosProcess: Sendable {
    let pid: pid_t
    let name: String
    let outputPath: String
    let errorPath: String
    private let exitStatus: ChildExitStatus

    init(_ executable: String, _ arguments: [String], folder: String, label: String) throws {
        name = label
        outputPath = "\(folder)/\(label).out"
        errorPath = "\(folder)/\(label).err"
        switch CleanSignalSpawn.spawn(
            executable, arguments, standardOutput: outputPath, standardError: errorPath, append: true)
        {
        case .success(let child): pid = child
        case .failure(let error): throw ChaosError.setup("cannot start \(label): \(error)")
        }
        ChildRegistry.add(pid)
        exitStatus = ChildExitStatus(pid: pid)
    }

    var isRunning: Bool { reap() == nil }

    /// The exit code, or 128 + the signal that ended it; nil while running.
    var terminationStatus: Int32? { reap() }

    private func reap() -> Int32? { exitStatus.value }

    var output: String { (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "" }
    var errorOutput: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

    /// SIGKILL, as a crash would; returns once the process is gone.
    func kill() {
        guard isRunning else { return }
        Glibc.kill(pid, SIGKILL)
        while isRunning { usleep(1_000) }
    }

    /// SIGTERM, then SIGKILL after `grace`. Returns the seconds it took to exit on SIGTERM,
    /// or nil when it had to be killed.
    @discardableResult
    func stop(grace: Double = 10) -> Double? {
        guard isRunning else { return 0 }
        let started = Date()
        Glibc.kill(pid, SIGTERM)
        while isRunning && Date().timeIntervalSince(started) < grace { usleep(5_000) }
        if isRunning {
            kill()
            return nil
        }
        return Date().timeIntervalSince(started)
    }

    deinit {
        if isRunning {
            Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
            ChildRegistry.remove(pid)
        }
    }
}

enum ChaosError: Error, CustomStringConvertible {
    case setup(String)
    var description: String {
        switch self {
        case .setup(let message): return message
        }
    }
}
