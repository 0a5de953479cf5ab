#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization
import StructuredData

/// Writes each event as one JSON line, in Argo's `{"context", "data"}` shape, to standard output.
/// Logs go to standard error, so standard output carries events only.
public final class StandardOutputSink: EventSink {
    private let output: LineWriter

    public init(output: LineWriter = .standardOutput) {
        self.output = output
    }

    public func deliver(_ event: CloudEvent) -> DeliveryOutcome {
        var line = JSONWriter.bytes(event.argoEnvelope)
        line.append(UInt8(ascii: "\n"))
        switch output.write(line) {
        case .success: return .delivered
        case .failure(let error): return .retryable(reason: "writing to standard output failed: \(error)")
        }
    }

    public func close() {}
}

/// A file descriptor shared by every adapter in the process; whole lines are written
/// under a lock so lines from different adapters never interleave.
public final class LineWriter: Sendable {
    public static let standardOutput = LineWriter(fileDescriptor: 1)

    private let fileDescriptor: Int32
    private let lock = Mutex(())

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    public func write(_ bytes: [UInt8]) -> Result<Void, WriteError> {
        lock.withLock { _ in
            bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Glibc.write(fileDescriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return .failure(WriteError(errno: errno))
                    }
                    offset += written
                }
                return .success(())
            }
        }
    }
}
