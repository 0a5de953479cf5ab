import Adapter
import Glibc
import Sinks

/// /dev/null opened for the stdout sink, so forwarded events do not mix into the test output.
final class DevNull: Sendable {
    let writer: LineWriter
    private let descriptor: Int32

    init() throws {
        descriptor = open("/dev/null", O_WRONLY)
        guard descriptor >= 0 else { throw CannotOpen() }
        writer = LineWriter(fileDescriptor: descriptor)
    }

    struct CannotOpen: Error {}

    func close() {
        Glibc.close(descriptor)
    }
}
