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
        let outPipe = try Self.makePipe()
        let errPipe: (read: Int32, write: Int32)
        do {
            errPipe = try Self.makePipe()
        } catch {
            close(outPipe.read)
            close(outPipe.write)
            throw error
        }

        // The pipes are close-on-exec and CleanSignalSpawn closes every descriptor above 2 in
        // the child, so this child holds only its own ends and no other child holds them at all.
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe.write, 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe.write, 2)

        var environmentMap = ProcessInfo.processInfo.environment
        for (key, value) in environment ?? [:] { environmentMap[key] = value }
        let spawned = CleanSignalSpawn.spawn(
            executable, arguments, environment: environmentMap.map { "\($0.key)=\($0.value)" }, fileActions: &actions)
        close(outPipe.write)
        close(errPipe.write)
        switch spawned {
        case .success(let child):
            pid = child
        case .failure(let error):
            close(outPipe.read)
            close(errPipe.read)
            throw ChildProcessError.spawnFailed(error.description)
        }
        Self.drain(errPipe.read, into: stderrBuffer)
        if captureStandardOutput {
            Self.drain(outPipe.read, into: stdoutBuffer)
        } else {
            pendingStandardOutput.withLock { $0 = outPipe.read }
        }
    }

    private let pendingStandardOutput = Mutex<Int32?>(nil)

    private static func makePipe() throws -> (read: Int32, write: Int32) {
        switch CloseOnExecPipe.make() {
        case .success(let ends): return ends
        case .failure(let error): throw ChildProcessError.spawnFailed(error.description)
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
            known = CleanSignalSpawn.exitStatus(of: pid)
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
    public var standardOutputLines: [String] { stdoutBuffer.lines(completeOnly: false) }

    /// Lines that ended in a newline: a process killed mid-write can leave a last line half written.
    public var completeStandardOutputLines: [String] { stdoutBuffer.lines(completeOnly: true) }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits for the process to exit on its own, polling, and returns its exit status once
    /// everything it wrote has been read.
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        let status = try await waitForValue("\(name) to exit", timeout: timeout) { reap() }
        try await waitUntil("\(name)'s output to be read", timeout: .seconds(30)) {
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
        _ = try await waitForValue("\(name) to exit", timeout: .seconds(30)) { reap() }
    }

    /// SIGKILL, as a crash would, and waits until the child is gone.
    public func killAndWait() async throws {
        signal(SIGKILL)
        _ = try await waitForValue("\(name) to exit", timeout: .seconds(30)) { reap() }
    }

    /// Not `stop()`: its thread would keep using `self`, whose memory is freed when deinit returns.
    /// This thread has only the pid.
    deinit {
        guard reap() == nil else { return }
        let pid = self.pid
        kill(pid, SIGTERM)
        let thread = Thread {
            let deadline = Date().addingTimeInterval(5)
            var ended = false
            while !ended && Date() < deadline {
                ended = CleanSignalSpawn.exitStatus(of: pid) != nil
                if !ended { usleep(5_000) }
            }
            if !ended { kill(pid, SIGKILL) }
            while !ended {
                ended = CleanSignalSpawn.exitStatus(of: pid) != nil
                if !ended { usleep(1_000) }
            }
        }
        thread.start()
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

    /// The non-empty lines, cut at newline bytes before decoding: splitting the decoded text by
    /// Character would keep "\r\n" together, and is much slower on megabytes of output.
    func lines(completeOnly: Bool) -> [String] {
        bytes.withLock { bytes in
            var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
            if completeOnly, bytes.last != UInt8(ascii: "\n"), !lines.isEmpty { lines.removeLast() }
            return lines.map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
