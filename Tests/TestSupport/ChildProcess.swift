import Foundation
import Synchronization

/// A program a test started, with its output captured; stopped for sure when the test ends.
public final class ChildProcess: Sendable {
    public let process: Process
    private let stdoutBuffer = CapturedOutput()
    private let stderrBuffer = CapturedOutput()
    public let name: String

    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        currentDirectory: String? = nil
    ) throws {
        name = (executable as NSString).lastPathComponent
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        }
        if let currentDirectory { process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory) }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        self.process = process
        let stdoutBuffer = self.stdoutBuffer
        let stderrBuffer = self.stderrBuffer
        out.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stdoutBuffer.append(data)
        }
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            stderrBuffer.append(data)
        }
        try process.run()
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    public var standardOutput: String { stdoutBuffer.text }
    public var standardError: String { stderrBuffer.text }
    public var standardOutputLines: [String] {
        standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    public func signal(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// Waits for the process to exit on its own, polling, and returns its exit status.
    public func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
        try await waitUntil("\(name) to exit", timeout: timeout) { !process.isRunning }
        return process.terminationStatus
    }

    /// SIGTERM, then SIGKILL if it lingers. Safe to call more than once.
    public func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Bytes a pipe handler appends while tests read them from other threads.
final class CapturedOutput: Sendable {
    private let bytes = Mutex<[UInt8]>([])

    func append(_ data: Data) {
        bytes.withLock { $0.append(contentsOf: data) }
    }

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}
