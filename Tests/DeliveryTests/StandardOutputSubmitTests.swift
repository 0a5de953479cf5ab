import Glibc
import Sinks
import Synchronization
import Testing
import TestSupport

/// `submit` hands the batch to the writer's thread: it returns while write(2) would block, and
/// reports the outcome only once the bytes are written.
@Suite struct StandardOutputSubmitTests {
    private static func events(_ prefix: String, _ count: Int) -> [CloudEvent] {
        (0..<count).map { index in
            var event = sampleEvent
            event.id = "\(prefix)-\(index)"
            return event
        }
    }

    private static func pipeDescriptors() throws -> (read: Int32, write: Int32) {
        var descriptors: [Int32] = [0, 0]
        guard pipe(&descriptors) == 0 else { throw PipeFailed() }
        return (descriptors[0], descriptors[1])
    }

    struct PipeFailed: Error {}

    /// What the completions reported, from the writer's thread.
    final class Reports: Sendable {
        let batches = Mutex<[[DeliveryOutcome?]]>([])
        func record(_ outcomes: [DeliveryOutcome?]) { batches.withLock { $0.append(outcomes) } }
        var all: [[DeliveryOutcome?]] { batches.withLock { $0 } }
    }

    /// Reads what is in the (non-blocking) pipe now, without waiting for more.
    private static func readAvailable(_ descriptor: Int32) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let read = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard read > 0 else { return bytes }
            bytes += chunk[..<read]
        }
    }

    @Test func linesMatchTheBlockingPathAndTheOutcomeComesAfterTheWrite() async throws {
        let pipe = try Self.pipeDescriptors()
        defer {
            close(pipe.read)
            close(pipe.write)
        }
        // Fill the pipe, so the writer thread's write(2) blocks until the test reads.
        let flags = fcntl(pipe.write, F_GETFL)
        _ = fcntl(pipe.write, F_SETFL, flags | O_NONBLOCK)
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
        var filled = 0
        while true {
            let written = filler.withUnsafeBytes { Glibc.write(pipe.write, $0.baseAddress, $0.count) }
            guard written > 0 else { break }
            filled += written
        }
        _ = fcntl(pipe.write, F_SETFL, flags)
        _ = fcntl(pipe.read, F_SETFL, fcntl(pipe.read, F_GETFL) | O_NONBLOCK)

        let first = Self.events("first", 3)
        let second = Self.events("second", 2)
        let expected = try Self.blockingOutput(of: first + second)
        let sink = StandardOutputSink(output: LineWriter(fileDescriptor: pipe.write))
        let reports = Reports()
        sink.submit(batch: first) { reports.record($0) }
        sink.submit(batch: second) { reports.record($0) }
        // Both calls returned although nothing can be written yet.
        #expect(reports.all.isEmpty)

        var received: [UInt8] = []
        try await waitUntil("every line to arrive and both batches to be reported") {
            received += Self.readAvailable(pipe.read)
            return received.count >= filled + expected.count && reports.all.count == 2
        }
        #expect(reports.all == [Array(repeating: .delivered, count: 3), Array(repeating: .delivered, count: 2)])
        #expect(Array(received[filled...]) == expected)
    }

    @Test func aWriteErrorLeavesEveryEventRetryable() async throws {
        // write(2) on a descriptor opened for reading fails with EBADF.
        let readOnly = open("/dev/null", O_RDONLY | O_CLOEXEC)
        try #require(readOnly >= 0)
        defer { close(readOnly) }
        let sink = StandardOutputSink(output: LineWriter(fileDescriptor: readOnly))
        let reports = Reports()
        sink.submit(batch: Self.events("lost", 2)) { reports.record($0) }
        let reported = try await waitForValue("the failure to be reported") { reports.all.first }
        #expect(reported.count == 2)
        #expect(reported.allSatisfy { if case .retryable? = $0 { true } else { false } })
    }

    private static func blockingOutput(of events: [CloudEvent]) throws -> [UInt8] {
        let pipe = try pipeDescriptors()
        defer {
            close(pipe.read)
            close(pipe.write)
        }
        _ = fcntl(pipe.read, F_SETFL, fcntl(pipe.read, F_GETFL) | O_NONBLOCK)
        #expect(StandardOutputSink(output: LineWriter(fileDescriptor: pipe.write)).deliver(batch: events).allSatisfy { $0 == .delivered })
        return readAvailable(pipe.read)
    }
}
