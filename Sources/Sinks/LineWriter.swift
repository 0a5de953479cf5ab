#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A file descriptor shared by every adapter in the process (standard output is the
/// `SinkRuntime`'s); each call's bytes are written under a lock, so whole lines from different
/// adapters never interleave.
public final class LineWriter: Sendable {

    private let fileDescriptor: Int32
    private let lock = Mutex(())
    private let queue = LineWriterQueue()

    public init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    public struct WriteError: Error, CustomStringConvertible {
        public let errno: Int32
        public var description: String { String(cString: strerror(errno)) }
    }

    /// Writes on the calling thread, which waits for write(2).
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

    /// Returns at once; `render` appends the lines and `completion` learns whether they were
    /// written, both later on this writer's own thread, in the order of the calls.
    public func submit(
        render: @escaping @Sendable (inout [UInt8]) -> Void,
        completion: @escaping @Sendable (Result<Void, WriteError>) -> Void
    ) {
        queue.enqueue(LineWriterQueue.Job(render: render, completion: completion)) { [self] bytes in write(bytes) }
    }
}
