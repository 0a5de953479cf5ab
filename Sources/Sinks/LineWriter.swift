#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A file descriptor shared by every adapter in the process; each call's bytes are written
/// under a lock, so whole lines from different adapters never interleave.
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
