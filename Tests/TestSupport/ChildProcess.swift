import Foundation
import Synchronization

/// A program a test started, with its output captured; stopped for sure when the test ends.
///
/// Spawned through `CleanSignalSpawn`, not Foundation's Process, which lets the child inherit the
/// test runner thread's blocked signals.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    public let name: String
    private let stdoutBuffer = CapturedOutput()
    private let stderrBuffer = CapturedOutput()
    private let exitStatus = Mutex<Int32?>(nil)

    /// - Parameter captureStandardOutput: false leaves standard output unread in a pipe, so a
    ///   child that writes a lot blocks once the pipe is full; `drainStandardOutput()` reads it later.
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil,
        captureStandardOutput: Bool = true
    ) throws {
        name = (executable as NSString).lastPathComponent
        var outPipe: [Int32] = [0, 0]
        var errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw ChildProcessError.spawnFailed("pipe: \(errno)") }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for descriptor in outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, descriptor) }

        var environmentMap = ProcessInfo.processInfo.environment
        for (key, value) in environment ?? [:] { environmentMap[key] = value }
        Self.markInheritedDescriptorsCloseOnExec()
        let spawned = CleanSignalSpawn.spawn(
            executable, arguments, environment: environmentMap.map { "\($0.key)=\($0.value)" }, fileActions: &actions)
        close(outPipe[1])
        close(errPipe[1])
        switch spawned {
        case .success(let child):
            pid = child
        case .failure(let error):
            close(outPipe[0])
            close(errPipe[0])
            throw ChildProcessError.spawnFailed(error.description)
        }
        Self.drain(errPipe[0], into: stderrBuffer)
        if captureStandardOutput {
            Self.drain(outPipe[0], into: stdoutBuffer)
        } else {
            pendingStandardOutput.withLock { $0 = outPipe[0] }
        }
    }

    private let pendingStandardOutput = Mutex<Int32?>(nil)

    /// SwiftNIO's sockets and other tests' pipes are not close-on-exec; a child that inherited
    /// them would keep another test's listener or output pipe open after that test closed it.
    private static func markInheritedDescriptorsCloseOnExec() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") else { return }
        for name in names {
            guard let descriptor = Int32(name), descriptor > 2 else { continue }
            let flags = fcntl(descriptor, F_GETFD)
            if flags >= 0 && flags & FD_CLOEXEC == 0 { _ = fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC) }
        }
    }

    /// Starts reading a standard output that was left unread.
    public func drainStandardOutput() {
        if let descriptor = pendingStandardOutput.withLock({ value -> Int32? in
            defer { value = nil }
            return value
        }) {
            Self.drain(descriptor, into: stdoutBuffer)
        }
    }

    /// Reads a pipe to its end on a thread of its own, so no test task ever blocks in read(2).
    private static func drain(_ descriptor: Int32, into output: CapturedOutput) {
        let thread = Thread {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count > 0 {
                    output.append(buffer[0..<count])
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            close(descriptor)
            output.finish()
        }
        thread.start()
    }

    public var isRunning: Bool { reap() == nil }

    /// The exit status once the child has ended: the code, or 128 + signal.
    public var terminationStatus: Int32? { reap() }

    private func reap() -> Int32? {
        exitStatus.withLock { known in
            if let known { return known }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            guard result == pid else { return nil }
            let low = status & 0x7f
            known = low == 0 ? (status >> 8) & 0xff : 128 + low
            return known
        }
    }

    /// True while one of the child's threads sleeps in a write to a full pipe (Linux's wchan).
    public var isBlockedWritingToAPipe: Bool {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task") else { return false }
        return threads.contains { thread in
            let wchan = (try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/wchan", encoding: .utf8)) ?? ""
            return wchan.contains("pipe_write")
        }
    }

    public var standardOutput: String { stdoutBuffer.text }
    public var standardError: String { stderrBuffer.text }
    public var standardOutputLines: [String] {
        standardOutput.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
    }

    /// Lines that ended in a newline: a process killed mid-write can leave a last line half written.
    public var completeStandardOutputLines: [String] {
        let text = standardOutput
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        if !text.hasSuffix("\n"), !lines.isEmpty { lines.removeLast() }
        return lines
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the process to exit on its own, polling, and returns its exit status once
    /// everything it wrote has been read.
    public func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let status = try await waitForValue("\(name) to exit", timeout: timeout) { reap() }
        try await waitUntil("\(name)'s output to be read", timeout: .seconds(5)) {
            stderrBuffer.isFinished && (stdoutBuffer.isFinished || pendingStandardOutput.withLock { $0 != nil })
        }
        return status
    }

    /// SIGTERM, then SIGKILL if it lingers. Safe to call more than once.
    /// SIGTERM now; a thread of its own waits, sends SIGKILL if the child lingers past 5 s, and
    /// reaps it. Returns at once, so a test's cleanup never blocks Swift's cooperative threads.
    /// Safe to call more than once; `stopAndWait()` also waits for the exit.
    public func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        let thread = Thread { [self] in
            let deadline = Date().addingTimeInterval(5)
            while isRunning && Date() < deadline { usleep(5_000) }
            if isRunning { kill(pid, SIGKILL) }
            while isRunning { usleep(1_000) }
        }
        thread.start()
    }

    /// Stops the child and waits until it has exited.
    public func stopAndWait() async throws {
        stop()
        _ = try await waitForValue("\(name) to exit", timeout: .seconds(15)) { reap() }
    }

    /// SIGKILL, as a crash would, and waits until the child is gone.
    public func killAndWait() async throws {
        signal(SIGKILL)
        _ = try await waitForValue("\(name) to exit", timeout: .seconds(15)) { reap() }
    }

    /// Not `stop()`: its reaper thread would retain an object being destroyed, which crashes the
    /// whole test process. A child still running here is killed and reaped on a thread that holds
    /// only its pid.
    deinit {
        guard isRunning else { return }
        let pid = pid
        kill(pid, SIGKILL)
        Thread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }.start()
    }
}

public enum ChildProcessError: Error, CustomStringConvertible {
    case spawnFailed(String)
    public var description: String {
        switch self {
        case .spawnFailed(let reason): return "cannot start process: \(reason)"
        }
    }
}

/// Bytes a reader thread appends while tests read them from other threads.
final class CapturedOutput: Sendable {
    private let bytes = Mutex<[UInt8]>([])
    private let finished = Atomic<Bool>(false)

    func finish() { finished.store(true, ordering: .releasing) }
    var isFinished: Bool { finished.load(ordering: .acquiring) }

    func append(_ data: ArraySlice<UInt8>) {
        bytes.withLock { $0.append(contentsOf: data) }
    }

    var text: String { bytes.withLock { String(decoding: $0, as: UTF8.self) } }
}
